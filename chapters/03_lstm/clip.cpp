// Exercise ClipGradNorm. Contracts and math: clip.hpp. Grade: ./wb grade 03
#include "chapters/03_lstm/clip.hpp"

#include <cmath>
#include <stdexcept>

namespace wb {

float clip_grad_norm(const std::vector<Param>& params, float max_norm) {
    // TODO: n = sqrt(sum of g^2 over every element of every p.grad)   (accumulate in double)
    //       scale = min(1, max_norm / (n + 1e-6)); multiply every gradient by scale; return n.
    //       max_norm <= 0 throws std::invalid_argument.
    // Worked example: grads [3] and [4] with max_norm 1: n = 5, both scaled by 1 / 5.000001,
    // giving [0.6] and [0.8]; the function returns 5.
    throw NotImplemented("clip_grad_norm");
}

}  // namespace wb
