/// @file ffn.hpp
/// Exercises **SwiGlu** and **GeluTanh**: the feed-forward half of a Transformer block.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// The weights of a SwiGLU feed-forward block, in torch.nn.Linear's (out, in) layout, without biases (Llama).
struct SwiGluWeights {
    Tensor w_gate;  ///< (F, D)
    Tensor w_up;    ///< (F, D)
    Tensor w_down;  ///< (D, F)
};

/// The gradients of swiglu_backward, one per input.
struct SwiGluGrads {
    Tensor dx;       ///< (N, D)
    Tensor dw_gate;  ///< (F, D)
    Tensor dw_up;    ///< (F, D)
    Tensor dw_down;  ///< (D, F)
};

/// SwiGLU (Shazeer, 2020, "GLU Variants Improve Transformer"), the feed-forward block of PaLM and Llama:
/// \f[ a = x W_{gate}^\top, \quad u = x W_{up}^\top, \quad h = \operatorname{silu}(a) \odot u, \quad
///     y = h\, W_{down}^\top, \qquad \operatorname{silu}(a) = a\,\sigma(a) \f]
/// The gate makes three matrices where GELU's block has two; F about 8D/3 keeps the parameter count of a 4D GELU
/// block (Llama 2 7B: 11008 for D = 4096; Llama 2 70B and Llama 3 use a larger multiplier).
/// @param x (N, D): one row per token
/// @param w the three weights, shapes as in SwiGluWeights
/// @return y, (N, D)
/// @throws ShapeError naming "swiglu_forward" if a weight's shape disagrees with x's D or with the others' F.
Tensor swiglu_forward(const Tensor& x, const SwiGluWeights& w);

/// SwiGLU's backward, recomputing a, u and h from x. With \f$\delta = \partial L/\partial y\f$:
/// \f[ \partial h = \delta W_{down}, \quad \partial W_{down} = \delta^\top h, \quad
///     \partial u = \partial h \odot \operatorname{silu}(a), \quad
///     \partial a = \partial h \odot u \odot \sigma(a)\big(1 + a(1-\sigma(a))\big), \f]
/// \f[ \partial W_{gate} = \partial a^\top x, \quad \partial W_{up} = \partial u^\top x, \quad
///     \partial x = \partial a\, W_{gate} + \partial u\, W_{up} \f]
/// @param dout dL/dy, (N, D)
/// @param x the forward's input, (N, D)
/// @param w the forward's weights
/// @return the four gradients
/// @throws ShapeError naming "swiglu_backward" on the shapes swiglu_forward rejects, or dout not (N, D).
SwiGluGrads swiglu_backward(const Tensor& dout, const Tensor& x, const SwiGluWeights& w);

/// GELU with the tanh approximation (Hendrycks and Gimpel, 2016), GPT-2's activation;
/// torch.nn.functional.gelu(x, approximate="tanh"):
/// \f[ \operatorname{gelu}(x) \approx \tfrac12 x\Big(1+\tanh\big(\sqrt{2/\pi}\,(x+0.044715x^3)\big)\Big) \f]
/// @param x any shape
/// @return the same shape
Tensor gelu_tanh_forward(const Tensor& x);

/// The tanh-approximate GELU's derivative times dout. With \f$k = \sqrt{2/\pi}\f$ and
/// \f$t = \tanh(k(x+0.044715x^3))\f$:
/// \f[ \frac{\partial\,\operatorname{gelu}}{\partial x} = \tfrac12(1+t) + \tfrac12 x\,(1-t^2)\,k\,(1+3\cdot0.044715\,x^2) \f]
/// @param dout dL/dy, the shape of x
/// @param x the forward's input
/// @return dL/dx, the shape of x
/// @throws ShapeError naming "gelu_tanh_backward" if dout and x differ in shape.
Tensor gelu_tanh_backward(const Tensor& dout, const Tensor& x);

}  // namespace wb
