/// @file additive_attention.hpp
/// Exercise **AdditiveAttention**: Bahdanau attention of one decoder query over the encoder's states,
/// with a padding mask, forward and backward.
///
/// Shapes: N = batch, T = source positions, H = encoder state size (keys and values are the same
/// states), Q = query (decoder state) size, A = attention hidden size.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// The parameters of additive attention.
struct AdditiveAttentionWeights {
    Tensor w_q;  ///< (A, Q) projects the query
    Tensor w_k;  ///< (A, H) projects each encoder state
    Tensor b;    ///< (A) bias of the hidden layer
    Tensor v;    ///< (A) reads the hidden layer out to one score
};

/// What the forward pass returns.
struct AdditiveAttentionResult {
    Tensor context;  ///< (N, H): \f$c = \sum_t a_t h_t\f$
    Tensor weights;  ///< (N, T): \f$a\f$, each row sums to 1, exactly 0 where the mask is 0
};

/// \f[ e_t = v^\top \tanh(W_q q + W_k h_t + b), \qquad a = \operatorname{softmax}_{t:\,m_t = 1}(e), \qquad
///     c = \sum_t a_t h_t, \f]
/// per batch row: the softmax runs over the unmasked positions only (a masked position gets weight
/// exactly 0, as if its score were \f$-\infty\f$), subtracting their max first.
/// @param query q (N, Q), the decoder state that asks
/// @param keys h (N, T, H), the encoder states, also the values averaged
/// @param mask (N, T): 1 for a real source position, 0 for padding
/// @param w the weights, w_q (A, Q), w_k (A, H), b (A), v (A)
/// @return the context (N, H) and the weights (N, T)
/// @throws ShapeError naming "additive_attention_forward" and the shapes that disagree; also if a row
///         of the mask is all 0 (nothing to attend to: a source sentence has at least one token).
/// PyTorch: the attention of Bahdanau et al. (2015), written out in the chapter's fixture script.
AdditiveAttentionResult additive_attention_forward(const Tensor& query, const Tensor& keys, const Tensor& mask,
                                                   const AdditiveAttentionWeights& w);

/// Gradients of a loss L with respect to every input and parameter of additive_attention_forward.
struct AdditiveAttentionGrads {
    Tensor d_query;  ///< (N, Q)
    Tensor d_keys;   ///< (N, T, H): both paths, through the scores and through the average
    Tensor d_w_q;    ///< (A, Q), summed over the batch
    Tensor d_w_k;    ///< (A, H)
    Tensor d_b;      ///< (A)
    Tensor d_v;      ///< (A)
};

/// Back-propagates dL/dc. With \f$g_t = \partial L / \partial a_t = \frac{\partial L}{\partial c} \cdot h_t\f$, the
/// softmax's Jacobian gives \f$\partial L / \partial e_t = a_t (g_t - \sum_s a_s g_s)\f$ (0 where masked); then
/// through \f$e_t = v^\top \tanh(u_t)\f$ with \f$\tanh' = 1 - \tanh^2\f$ into \f$u_t = W_q q + W_k h_t + b\f$.
/// Each key also gets \f$a_t\,\partial L / \partial c\f$ from the average.
/// @param d_context dL/dc (N, H)
/// @param query, keys, mask, w as given to additive_attention_forward (the forward is recomputed)
/// @return every gradient, parameter gradients summed over the batch
/// @throws ShapeError naming "additive_attention_backward" on shapes that disagree or an all-0 mask row.
AdditiveAttentionGrads additive_attention_backward(const Tensor& d_context, const Tensor& query, const Tensor& keys,
                                                   const Tensor& mask, const AdditiveAttentionWeights& w);

}  // namespace wb
