/// @file time_embedding.hpp
/// Exercise **TimeEmbedding**: how the denoising network is told which step it is denoising.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// The two layers of the time MLP, torch.nn.Linear's (out, in) layouts.
struct TimeMlp {
    Tensor w1;  ///< (H, E)
    Tensor b1;  ///< (H)
    Tensor w2;  ///< (D, H)
    Tensor b2;  ///< (D)
};

/// The gradients of the time MLP's parameters (the steps are integers: they have none).
struct TimeMlpGrads {
    Tensor dw1;  ///< (H, E)
    Tensor db1;  ///< (H)
    Tensor dw2;  ///< (D, H)
    Tensor db2;  ///< (D)
};

/// The time embedding of DDPM's network (Ho et al., 2020, after the Transformer's positional encoding): each image's
/// step t becomes chapter 01's sinusoidal encoding at position t, E features (sinusoidal_positions: sin in the even
/// columns, cos in the odd ones; DDPM's code concatenates the sines and then the cosines, a permutation of the same
/// features), then a two-layer MLP with SiLU:
/// \f[ e = PE_t \in \mathbb R^E, \qquad h = \mathrm{SiLU}(W_1 e + b_1), \qquad y = W_2 h + b_2 \f]
/// with \f$\mathrm{SiLU}(a) = a\,\sigma(a)\f$. The network adds y to its feature maps, so every layer knows how noisy
/// its input is.
/// @param steps (N), each image's step as a float holding an integer in [0, total_steps)
/// @param total_steps T, the schedule's length (the encoding's positions 0 .. T-1)
/// @param mlp w1 (H, E) with E even, b1 (H), w2 (D, H), b2 (D)
/// @return y, (N, D)
/// @throws ShapeError naming "time_embedding_forward" if the weights disagree, E is odd, or a step is not an integer
/// in [0, T).
Tensor time_embedding_forward(const Tensor& steps, int total_steps, const TimeMlp& mlp);

/// The time MLP's backward, recomputing the forward from the steps. With \f$a = W_1 e + b_1\f$ and
/// \f$\mathrm{SiLU}'(a) = \sigma(a)\,(1 + a\,(1 - \sigma(a)))\f$:
/// \f[ \frac{\partial L}{\partial W_2} = \sum_n \delta_n h_n^\top, \quad \frac{\partial L}{\partial b_2} = \sum_n \delta_n,
///     \quad g_n = (W_2^\top \delta_n) \odot \mathrm{SiLU}'(a_n), \quad
///     \frac{\partial L}{\partial W_1} = \sum_n g_n e_n^\top, \quad \frac{\partial L}{\partial b_1} = \sum_n g_n \f]
/// with \f$\delta_n = \partial L / \partial y_n\f$, summed over the batch.
/// @param dout dL/dy, (N, D)
/// @param steps (N) as in the forward
/// @param total_steps T as in the forward
/// @param mlp as in the forward
/// @return dw1 (H, E), db1 (H), dw2 (D, H), db2 (D)
/// @throws ShapeError naming "time_embedding_backward" if dout is not (N, D), or as the forward.
TimeMlpGrads time_embedding_backward(const Tensor& dout, const Tensor& steps, int total_steps, const TimeMlp& mlp);

}  // namespace wb
