// Exercises LayerNorm and RmsNorm. Contracts and math: norms.hpp. Grade: ./wb grade 09
#include "chapters/09_transformer/norms.hpp"

namespace wb {

Tensor layer_norm_forward(const Tensor& x, const Tensor& gain, const Tensor& bias, float eps) {
    // TODO: D = x.dim(-1); every row of D values (x.size() / D rows) on its own:
    //       mu = mean, var = mean((x - mu)^2) (divide by D), y = (x - mu) / sqrt(var + eps) * gain + bias.
    //       Reject gain or bias that is not (D) (ShapeError naming "layer_norm_forward").
    // Worked example: x = [1, 3], gain = [1, 1], bias = [0, 0], eps = 0 -> mu = 2, var = 1, y = [-1, 1].
    throw NotImplemented("layer_norm_forward");
}

NormGrads layer_norm_backward(const Tensor& dout, const Tensor& x, const Tensor& gain, float eps) {
    // TODO: recompute mu, r = 1/sqrt(var + eps) and xhat = (x - mu) r per row; delta = gain * dout;
    //       dx = r * (delta - mean(delta) - xhat * mean(delta * xhat)); dgain += dout * xhat; dbias += dout
    //       (summed over every row). Reject dout of another shape than x (ShapeError naming "layer_norm_backward").
    // Worked example: D = 2, x = [1, 3], gain = [1, 1], dout = [1, 1] -> dx = [0, 0] (a shift changes nothing).
    throw NotImplemented("layer_norm_backward");
}

Tensor rms_norm_forward(const Tensor& x, const Tensor& gain, float eps) {
    // TODO: per row of D values: r = 1 / sqrt(mean(x^2) + eps); y = gain * x * r. No mean, no bias.
    //       Reject gain that is not (D) (ShapeError naming "rms_norm_forward").
    // Worked example: x = [3, 4], gain = [1, 1], eps = 0 -> mean(x^2) = 12.5, y = [0.8485, 1.1314].
    throw NotImplemented("rms_norm_forward");
}

NormGrads rms_norm_backward(const Tensor& dout, const Tensor& x, const Tensor& gain, float eps) {
    // TODO: per row: r as in the forward, delta = gain * dout; dx = r * delta - x * r^3 * mean(delta * x);
    //       dgain += dout * x * r over every row; dbias stays empty.
    //       Reject dout of another shape than x (ShapeError naming "rms_norm_backward").
    // Worked example: D = 2, x = [1, 1], gain = [1, 1], eps = 0, dout = [1, -1] -> r = 1, dx = [1, -1].
    throw NotImplemented("rms_norm_backward");
}

}  // namespace wb
