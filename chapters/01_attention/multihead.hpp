/// @file multihead.hpp
/// Exercises **MultiHeadForward** and **MultiHeadBackward**: multi-head attention as
/// `torch.nn.MultiheadAttention(E, H, batch_first=True)` computes it, forward and backward.
///
/// Shapes: B = batch, T = queries, S = keys, E = model width, H = heads, Dh = E / H per head.
#pragma once
#include "chapters/01_attention/attention.hpp"
#include "framework/tensor.hpp"

namespace wb {

/// The parameters, in PyTorch's layout (y = x W^T + b). PyTorch stores w_q, w_k, w_v stacked
/// as `in_proj_weight` (3E, E) and w_o as `out_proj.weight`.
/// Parameter count: 4 E^2 + 4 E, whatever H is.
struct MultiHeadWeights {
    int heads = 1;  ///< H; must divide E
    Tensor w_q;     ///< (E, E) query projection
    Tensor w_k;     ///< (E, E) key projection
    Tensor w_v;     ///< (E, E) value projection
    Tensor b_q;     ///< (E) query bias
    Tensor b_k;     ///< (E) key bias
    Tensor b_v;     ///< (E) value bias
    Tensor w_o;     ///< (E, E) output projection
    Tensor b_o;     ///< (E) output bias
};

/// What multihead_backward needs.
struct MultiHeadCache {
    Tensor query;          ///< (B, T, E) input
    Tensor key;            ///< (B, S, E) input
    Tensor value;          ///< (B, S, E) input
    AttentionCache heads;  ///< per-head attention, batch folded with heads: q (B*H, T, Dh), ...
    Tensor merged;         ///< (B, T, E) the heads' outputs side by side, before w_o
};

/// What multihead_forward returns.
struct MultiHeadResult {
    Tensor out;            ///< (B, T, E)
    Tensor weights;        ///< (B, H, T, S) every head's attention weights
    MultiHeadCache cache;  ///< for multihead_backward
};

/// The gradient of the loss for every input and parameter of multihead_forward.
struct MultiHeadGrads {
    Tensor dquery;  ///< (B, T, E)
    Tensor dkey;    ///< (B, S, E)
    Tensor dvalue;  ///< (B, S, E)
    Tensor dw_q;    ///< (E, E)
    Tensor dw_k;    ///< (E, E)
    Tensor dw_v;    ///< (E, E)
    Tensor dw_o;    ///< (E, E)
    Tensor db_q;    ///< (E)
    Tensor db_k;    ///< (E)
    Tensor db_v;    ///< (E)
    Tensor db_o;    ///< (E)
};

/// Multi-head attention:
/// \f[ Q = X_q W_q^\top + b_q,\quad K = X_k W_k^\top + b_k,\quad V = X_v W_v^\top + b_v \f]
/// split the last dimension into H heads of Dh = E/H columns (head h takes columns
/// h*Dh .. (h+1)*Dh-1), run attention_forward on each head, put the H outputs side by side
/// again (merged, (B, T, E)) and project: \f$ \text{out} = \text{merged}\, W_o^\top + b_o \f$.
///
/// Each head attends in its own Dh-dimensional subspace, so the heads can look at different
/// positions at the same cost as one head of width E.
/// @param query (B, T, E)
/// @param key (B, S, E)
/// @param value (B, S, E)
/// @param w parameters (E must be divisible by w.heads)
/// @param mask (T, S), (B, T, S) or empty; shared by all heads
/// @return out (B, T, E), weights (B, H, T, S) and the cache.
/// @throws ShapeError naming "multihead_forward" and the two shapes that disagree, or if H does not divide E.
/// PyTorch: `nn.MultiheadAttention(E, H, batch_first=True)(query, key, value, average_attn_weights=False)`.
MultiHeadResult multihead_forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                  const MultiHeadWeights& w, const Mask& mask = {});

/// Backward pass of multihead_forward: every input and every parameter gets its gradient.
/// Chain: out = merged W_o^T + b_o gives dmerged = dout W_o, dW_o = dout^T merged, db_o = sum dout;
/// split dmerged into heads and call attention_backward; merge the heads' dq, dk, dv back to
/// (B, *, E); then each projection Y = X W^T + b gives dX = dY W, dW = dY^T X, db = sum dY.
/// When query, key and value are the same tensor (self-attention) the caller adds the three
/// input gradients.
/// @param dout (B, T, E)
/// @param cache from multihead_forward
/// @param w the same weights passed to multihead_forward
/// @throws ShapeError naming "multihead_backward" if dout does not match the forward output.
MultiHeadGrads multihead_backward(const Tensor& dout, const MultiHeadCache& cache, const MultiHeadWeights& w);

}  // namespace wb
