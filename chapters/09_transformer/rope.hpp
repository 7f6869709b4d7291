/// @file rope.hpp
/// Exercise **Rope**: rotary position embedding (RoPE), forward and backward.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// Rotary position embedding (Su et al., RoFormer, 2021), applied to queries and keys (never to values) before
/// their dot product. Each head's Dh features form Dh/2 pairs; pair i turns by the angle \f$p\,\theta_i\f$ at
/// position p, with \f$\theta_i = \text{base}^{-2i/D_h}\f$:
/// \f[ \begin{pmatrix} y_i \\ y_{i+D_h/2} \end{pmatrix} =
///     \begin{pmatrix} \cos p\theta_i & -\sin p\theta_i \\ \sin p\theta_i & \cos p\theta_i \end{pmatrix}
///     \begin{pmatrix} x_i \\ x_{i+D_h/2} \end{pmatrix} \f]
/// This is the **half-split** pairing (feature i with feature i + Dh/2) of GPT-NeoX and of Llama's Hugging Face
/// code (`rotate_half`). The paper and Meta's original Llama code pair **interleaved** neighbours (2i, 2i+1);
/// the two differ only by a fixed permutation of the features, so a checkpoint converted between them
/// permutes the rows of W_q and W_k, but the two pairings are not interchangeable on the same weights.
/// Because rotations compose, \f$\langle R_i q, R_j k\rangle = \langle q, R_{j-i} k\rangle\f$: the score depends
/// on the offset j - i only, which is what makes the position relative.
/// @param x (B, H, T, Dh): queries or keys, head by head; Dh even
/// @param start_position the position of t = 0 (0 for a whole sequence; the cache length when decoding)
/// @param base the frequency base (10000 in RoFormer and Llama 2; Llama 3 uses 500000)
/// @return (B, H, T, Dh), x rotated: row t at position start_position + t
/// @throws ShapeError naming "rope_forward" if x is not rank 4, Dh is odd, or start_position < 0.
Tensor rope_forward(const Tensor& x, int start_position = 0, float base = 10000.0f);

/// RoPE's backward: a rotation is orthogonal, so dL/dx is dL/dy turned back by the same angles (the
/// transpose rotation, angle \f$-p\,\theta_i\f$).
/// @param dout dL/dy, (B, H, T, Dh)
/// @param start_position as in the forward
/// @param base as in the forward
/// @return dL/dx, (B, H, T, Dh)
/// @throws ShapeError naming "rope_backward" on the shapes rope_forward rejects.
Tensor rope_backward(const Tensor& dout, int start_position = 0, float base = 10000.0f);

}  // namespace wb
