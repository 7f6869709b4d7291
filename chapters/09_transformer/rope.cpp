// Exercise Rope. Contracts and math: rope.hpp. Grade: ./wb grade 09
#include "chapters/09_transformer/rope.hpp"

namespace wb {

Tensor rope_forward(const Tensor& x, int start_position, float base) {
    // TODO: x (B, H, T, Dh), half = Dh / 2. For t and pair i < half: p = start_position + t,
    //       angle = p * base^(-2i / Dh) (in double), c = cos, s = sin;
    //       y[.., t, i] = x_i c - x_{i+half} s,  y[.., t, i+half] = x_i s + x_{i+half} c.
    //       Reject rank != 4, odd Dh, start_position < 0 (ShapeError naming "rope_forward").
    // Worked example: Dh = 2, p = 1, x = [1, 0] -> angle 1 rad -> y = [cos 1, sin 1] = [0.5403, 0.8415].
    throw NotImplemented("rope_forward");
}

Tensor rope_backward(const Tensor& dout, int start_position, float base) {
    // TODO: the same pairs turned by -angle (a rotation's inverse is its transpose):
    //       dx_i = dy_i c + dy_{i+half} s,  dx_{i+half} = -dy_i s + dy_{i+half} c.
    //       Same checks, naming "rope_backward".
    // Worked example: Dh = 2, p = 1, dout = [cos 1, sin 1] -> dx = [1, 0].
    throw NotImplemented("rope_backward");
}

}  // namespace wb
