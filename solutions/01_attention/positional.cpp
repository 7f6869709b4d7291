// Reference: sinusoidal positional encoding.
#include "chapters/01_attention/positional.hpp"

#include <cmath>

namespace wb {

Tensor sinusoidal_positions(int length, int d_model) {
    if (length <= 0 || d_model <= 0 || d_model % 2 != 0)
        throw ShapeError("sinusoidal_positions: length " + std::to_string(length) + " and d_model " +
                         std::to_string(d_model) + " must be positive, and d_model even (columns come in sin/cos pairs)");
    Tensor pe({length, d_model});
    for (int i = 0; i < d_model / 2; ++i) {
        // frequency of pair i: 1 / 10000^(2i / D); computed in double, the exponent spans 4 decades
        const double frequency = std::pow(10000.0, -2.0 * i / d_model);
        for (int p = 0; p < length; ++p) {
            pe(p, 2 * i) = static_cast<float>(std::sin(p * frequency));
            pe(p, 2 * i + 1) = static_cast<float>(std::cos(p * frequency));
        }
    }
    return pe;
}

}  // namespace wb
