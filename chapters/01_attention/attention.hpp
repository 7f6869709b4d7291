/// @file attention.hpp
/// Exercises **AttentionForward** and **AttentionBackward**: scaled dot-product attention,
/// one head, with its hand-written backward pass.
///
/// Shapes: B = batch, T = queries, S = keys, D = query/key features, Dv = value features.
#pragma once
#include "chapters/01_attention/softmax.hpp"
#include "framework/tensor.hpp"

namespace wb {

/// Exactly what attention_backward needs, by name.
struct AttentionCache {
    Tensor q;        ///< (B, T, D)
    Tensor k;        ///< (B, S, D)
    Tensor v;        ///< (B, S, Dv)
    Tensor weights;  ///< (B, T, S) the softmax probabilities P
};

/// What attention_forward returns.
struct AttentionResult {
    Tensor out;            ///< (B, T, Dv)
    AttentionCache cache;  ///< cache.weights are the attention weights, e.g. for a heatmap
};

/// The gradients attention_backward returns, one per input of attention_forward.
struct AttentionGrads {
    Tensor dq;  ///< (B, T, D)
    Tensor dk;  ///< (B, S, D)
    Tensor dv;  ///< (B, S, Dv)
};

/// Scaled dot-product attention:
/// \f[ P = \operatorname{softmax}\!\Big(\frac{Q K^\top}{\sqrt{D}} \text{ masked}\Big), \qquad O = P V. \f]
///
/// Cost: \f$O(B\,T\,S\,D)\f$ time and \f$O(B\,T\,S)\f$ memory for P: quadratic in sequence length.
/// @param q (B, T, D)
/// @param k (B, S, D)
/// @param v (B, S, Dv)
/// @param mask (T, S), (B, T, S) or empty; blocked pairs get exactly zero weight, a fully
///        blocked query gets all-zero weights and a zero output row (see masked_softmax).
/// @return out (B, T, Dv) and the cache (with the weights P).
/// @throws ShapeError naming "attention_forward" and the two shapes that disagree.
/// PyTorch: `torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)`.
AttentionResult attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, const Mask& mask = {});

/// Backward pass of attention_forward. With \f$Z = QK^\top/\sqrt{D}\f$, \f$P = \operatorname{softmax}(Z)\f$, \f$O = PV\f$:
/// \f[ dV = P^\top dO, \qquad dP = dO\, V^\top, \qquad dZ_{ts} = P_{ts}\Big(dP_{ts} - \sum_{s'} dP_{ts'} P_{ts'}\Big), \f]
/// \f[ dQ = \frac{dZ\, K}{\sqrt{D}}, \qquad dK = \frac{dZ^\top Q}{\sqrt{D}}. \f]
/// The middle formula is the softmax Jacobian-vector product; blocked positions have
/// \f$P_{ts} = 0\f$ and so receive no gradient.
/// @param dout (B, T, Dv), the gradient of the loss with respect to out
/// @param cache from attention_forward
/// @return dq (B, T, D), dk (B, S, D), dv (B, S, Dv)
/// @throws ShapeError naming "attention_backward" if dout does not match the forward output.
AttentionGrads attention_backward(const Tensor& dout, const AttentionCache& cache);

}  // namespace wb
