// Exercises SwiGlu and GeluTanh. Contracts and math: ffn.hpp. Grade: ./wb grade 09
#include "chapters/09_transformer/ffn.hpp"

namespace wb {

Tensor swiglu_forward(const Tensor& x, const SwiGluWeights& w) {
    // TODO: x (N, D); a = x W_gate^T and u = x W_up^T (N, F) (wb::gemm with transpose_b, framework/linalg.hpp);
    //       h = silu(a) * u elementwise, silu(a) = a * sigmoid(a); y = h W_down^T (N, D).
    //       Reject weights whose shapes disagree with D or with each other's F (ShapeError naming "swiglu_forward").
    // Worked example: D = F = 1, w_gate = w_up = w_down = [1], x = [2] -> silu(2) * 2 = 2 * 0.8808 * 2 = 3.5232.
    throw NotImplemented("swiglu_forward");
}

SwiGluGrads swiglu_backward(const Tensor& dout, const Tensor& x, const SwiGluWeights& w) {
    // TODO: recompute a, u, h. dh = dout W_down (N, F); dW_down = dout^T h;
    //       du = dh * silu(a); da = dh * u * s (1 + a (1 - s)), s = sigmoid(a);
    //       dW_gate = da^T x; dW_up = du^T x; dx = da W_gate + du W_up.
    //       Reject dout that is not (N, D) (ShapeError naming "swiglu_backward").
    // Worked example: D = F = 1, all weights [1], x = [1], dout = [1] -> a = u = 1, s = 0.7311,
    //       dW_down = h = 0.7311, du = 0.7311, da = 0.7311 * 1.2689 = 0.9277, dx = da + du = 1.6588.
    throw NotImplemented("swiglu_backward");
}

Tensor gelu_tanh_forward(const Tensor& x) {
    // TODO: y = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), elementwise.
    // Worked example: gelu(0) = 0, gelu(1) = 0.8412, gelu(-1) = -0.1588.
    throw NotImplemented("gelu_tanh_forward");
}

Tensor gelu_tanh_backward(const Tensor& dout, const Tensor& x) {
    // TODO: t = tanh(k (x + 0.044715 x^3)), k = sqrt(2/pi);
    //       dx = dout * (0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 * 0.044715 x^2)).
    //       Reject dout of another shape than x (ShapeError naming "gelu_tanh_backward").
    // Worked example: the slope at 0 is 0.5, so dout = [1] at x = [0] gives dx = [0.5].
    throw NotImplemented("gelu_tanh_backward");
}

}  // namespace wb
