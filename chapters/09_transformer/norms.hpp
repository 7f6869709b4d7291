/// @file norms.hpp
/// Exercises **LayerNorm** and **RmsNorm**: the normalisation inside every Transformer block, forward and backward.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// The gradients of a normalisation layer. `dbias` is empty for RMSNorm, which has no bias.
struct NormGrads {
    Tensor dx;     ///< same shape as x
    Tensor dgain;  ///< (D)
    Tensor dbias;  ///< (D), LayerNorm only
};

/// LayerNorm over the last axis (Ba et al., 2016; torch.nn.functional.layer_norm with normalized_shape (D,)).
/// For each row x of D features:
/// \f[ \mu = \tfrac1D \textstyle\sum_i x_i, \quad \sigma^2 = \tfrac1D \sum_i (x_i-\mu)^2, \quad
///     \hat x_i = \frac{x_i-\mu}{\sqrt{\sigma^2+\epsilon}}, \quad y_i = g_i \hat x_i + b_i \f]
/// The variance is the biased one (divide by D, as PyTorch does), and eps sits inside the square root.
/// @param x (..., D), rank 1 to 4: every row of the last axis is normalised on its own
/// @param gain g, (D)
/// @param bias b, (D)
/// @param eps added to the variance (PyTorch's default 1e-5)
/// @return y, the shape of x
/// @throws ShapeError naming "layer_norm_forward" if gain or bias is not (D) or x is empty.
Tensor layer_norm_forward(const Tensor& x, const Tensor& gain, const Tensor& bias, float eps = 1e-5f);

/// LayerNorm's backward, recomputing the row statistics from x. With \f$r = 1/\sqrt{\sigma^2+\epsilon}\f$ and
/// \f$\delta_i = g_i\,\partial L/\partial y_i\f$:
/// \f[ \frac{\partial L}{\partial x_i} = r\Big(\delta_i - \overline{\delta} - \hat x_i\,\overline{\delta\hat x}\Big),
///     \qquad \frac{\partial L}{\partial g_i} = \sum_{\text{rows}} \frac{\partial L}{\partial y_i}\hat x_i, \qquad
///     \frac{\partial L}{\partial b_i} = \sum_{\text{rows}} \frac{\partial L}{\partial y_i} \f]
/// where the bars are means over the row's D features: the mean and the variance both depend on every x_i.
/// @param dout dL/dy, the shape of x
/// @param x the forward's input (..., D)
/// @param gain g, (D)
/// @param eps the forward's eps
/// @return dx (shape of x), dgain (D), dbias (D)
/// @throws ShapeError naming "layer_norm_backward" if dout and x differ in shape or gain is not (D).
NormGrads layer_norm_backward(const Tensor& dout, const Tensor& x, const Tensor& gain, float eps = 1e-5f);

/// RMSNorm over the last axis (Zhang and Sennrich, 2019), as Llama uses it: no mean subtracted, no bias.
/// \f[ r = \frac{1}{\sqrt{\tfrac1D\sum_i x_i^2 + \epsilon}}, \qquad y_i = g_i\, x_i\, r \f]
/// @param x (..., D), rank 1 to 4
/// @param gain g, (D)
/// @param eps added to the mean square (Llama: 1e-5 or 1e-6; here 1e-6 by default)
/// @return y, the shape of x
/// @throws ShapeError naming "rms_norm_forward" if gain is not (D) or x is empty.
Tensor rms_norm_forward(const Tensor& x, const Tensor& gain, float eps = 1e-6f);

/// RMSNorm's backward. With \f$\delta_i = g_i\,\partial L/\partial y_i\f$:
/// \f[ \frac{\partial L}{\partial x_i} = r\,\delta_i - x_i\, r^3\, \overline{\delta x}, \qquad
///     \frac{\partial L}{\partial g_i} = \sum_{\text{rows}} \frac{\partial L}{\partial y_i}\, x_i\, r \f]
/// @param dout dL/dy, the shape of x
/// @param x the forward's input (..., D)
/// @param gain g, (D)
/// @param eps the forward's eps
/// @return dx (shape of x), dgain (D); dbias stays empty
/// @throws ShapeError naming "rms_norm_backward" if dout and x differ in shape or gain is not (D).
NormGrads rms_norm_backward(const Tensor& dout, const Tensor& x, const Tensor& gain, float eps = 1e-6f);

}  // namespace wb
