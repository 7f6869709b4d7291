// Exercise PositionalEncoding. Contract and math: positional.hpp. Grade: ./wb grade 01
#include "chapters/01_attention/positional.hpp"

namespace wb {

Tensor sinusoidal_positions(int length, int d_model) {
    // TODO: pe (T, D); for pair i = 0 .. D/2-1 with frequency w_i = 10000^(-2i/D):
    //       pe[p, 2i] = sin(p * w_i),  pe[p, 2i+1] = cos(p * w_i).
    //       Reject T <= 0, D <= 0 or odd D (ShapeError naming "sinusoidal_positions").
    // Worked example: row p = 0 is [0, 1, 0, 1, ...].
    throw NotImplemented("sinusoidal_positions");
}

}  // namespace wb
