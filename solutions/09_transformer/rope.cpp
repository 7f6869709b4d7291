// Reference: rotary position embedding, half-split pairs (i, i + Dh/2).
#include "chapters/09_transformer/rope.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace wb {
namespace {

/// Turns every pair (i, i + Dh/2) of x by `sign` * p * theta_i, p = start + t.
Tensor rotate(const char* op, const Tensor& x, int start, float base, double sign) {
    if (x.rank() != 4) throw ShapeError(std::string(op) + ": x must be (B, H, T, Dh), got rank " + std::to_string(x.rank()));
    if (x.dim(3) % 2 != 0) throw ShapeError(std::string(op) + ": Dh = " + std::to_string(x.dim(3)) + " must be even (features turn in pairs)");
    if (start < 0) throw ShapeError(std::string(op) + ": start_position " + std::to_string(start) + " must be >= 0");
    const int B = x.dim(0), H = x.dim(1), T = x.dim(2), Dh = x.dim(3), half = Dh / 2;
    // cos and sin of each (position, pair) once; theta_i = base^(-2i/Dh), the angle in double: p * theta_i
    // reaches thousands of radians
    std::vector<double> theta(half);
    for (int i = 0; i < half; ++i) theta[i] = std::pow(static_cast<double>(base), -2.0 * i / Dh);
    std::vector<float> cosines(static_cast<std::size_t>(T) * half), sines(cosines.size());
    for (int t = 0; t < T; ++t)
        for (int i = 0; i < half; ++i) {
            const double angle = sign * (start + t) * theta[i];
            cosines[static_cast<std::size_t>(t) * half + i] = static_cast<float>(std::cos(angle));
            sines[static_cast<std::size_t>(t) * half + i] = static_cast<float>(std::sin(angle));
        }
    Tensor y = Tensor::uninitialized(x.shape());
    for (int b = 0; b < B; ++b)
        for (int h = 0; h < H; ++h)
            for (int t = 0; t < T; ++t) {
                const float* in = &x(b, h, t, 0);
                float* out = &y(b, h, t, 0);
                const float* c = &cosines[static_cast<std::size_t>(t) * half];
                const float* s = &sines[static_cast<std::size_t>(t) * half];
                // (y_i, y_{i+half}) = (x_i cos - x_{i+half} sin, x_i sin + x_{i+half} cos)
                for (int i = 0; i < half; ++i) {
                    out[i] = in[i] * c[i] - in[i + half] * s[i];
                    out[i + half] = in[i] * s[i] + in[i + half] * c[i];
                }
            }
    return y;
}

}  // namespace

Tensor rope_forward(const Tensor& x, int start_position, float base) { return rotate("rope_forward", x, start_position, base, 1.0); }

Tensor rope_backward(const Tensor& dout, int start_position, float base) {
    return rotate("rope_backward", dout, start_position, base, -1.0);
}

}  // namespace wb
