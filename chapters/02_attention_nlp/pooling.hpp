/// @file pooling.hpp
/// Exercise **AttentionPooling**: a sentence classifier's head that lets a learned query pick the words
/// that decide the label, wherever they sit, instead of averaging them away.
///
/// Shapes: N = sentences, T = positions, H = encoder state size, A = attention hidden size, C = classes.
#pragma once
#include "chapters/02_attention_nlp/additive_attention.hpp"
#include "framework/tensor.hpp"

namespace wb {

/// The parameters of the head.
struct AttentionPoolingWeights {
    Tensor w;        ///< (A, H) projects each state
    Tensor b;        ///< (A) bias of the hidden layer
    Tensor u;        ///< (A) the learned query: what a decisive word looks like
    Tensor w_out;    ///< (C, H) the linear classifier
    Tensor b_out;    ///< (C)
};

/// What the forward pass returns.
struct AttentionPoolingResult {
    Tensor logits;   ///< (N, C)
    Tensor weights;  ///< (N, T): how much each position counts, 0 on padding
};

/// \f[ \alpha = \operatorname{softmax}_{t:\,m_t = 1}\big(u^\top \tanh(W h_t + b)\big), \qquad z = \sum_t \alpha_t h_t,
///     \qquad \text{logits} = W_{out} z + b_{out}. \f]
/// This is exercise 2's additive attention with a query that never changes: \f$W_q q\f$ is then a constant,
/// folded into b. Call your additive_attention_forward with a query of zeros (N, 1), \f$W_q\f$ of zeros
/// (A, 1), \f$W_k = W\f$ and \f$v = u\f$.
/// @param states h (N, T, H), an encoder's output per position
/// @param mask (N, T): 1 for a real position, 0 for padding; every row needs a 1
/// @param w the head's weights
/// @return the logits (N, C) and the pooling weights (N, T)
/// @throws ShapeError naming "attention_pooling_forward" (or additive_attention_forward, for the
///         attention's own shapes) on shapes that disagree.
AttentionPoolingResult attention_pooling_forward(const Tensor& states, const Tensor& mask, const AttentionPoolingWeights& w);

/// Gradients of a loss L with respect to the states and every parameter of the head.
struct AttentionPoolingGrads {
    Tensor d_states;  ///< (N, T, H)
    Tensor d_w;       ///< (A, H)
    Tensor d_b;       ///< (A)
    Tensor d_u;       ///< (A)
    Tensor d_w_out;   ///< (C, H)
    Tensor d_b_out;   ///< (C)
};

/// Back-propagates dL/d(logits): \f$\partial L/\partial z = W_{out}^\top\, \partial L/\partial \text{logits}\f$ per row,
/// \f$\partial L/\partial W_{out} = \sum_n \partial L/\partial \text{logits}_n\, z_n^\top\f$, then exercise 2's
/// additive_attention_backward with dL/dz as dL/dc.
/// @param d_logits dL/d(logits) (N, C)
/// @param states, mask, w as given to attention_pooling_forward
/// @return every gradient, parameter gradients summed over the batch
/// @throws ShapeError naming "attention_pooling_backward" on shapes that disagree.
AttentionPoolingGrads attention_pooling_backward(const Tensor& d_logits, const Tensor& states, const Tensor& mask,
                                                 const AttentionPoolingWeights& w);

}  // namespace wb
