// Exercise GradientAccumulation. Contracts and math: accumulation.hpp. Grade: ./wb grade 11
#include "chapters/11_lm_training/accumulation.hpp"

namespace wb {

void accumulate_gradient(Tensor& accumulated, const Tensor& micro_gradient, int micro_count, int total_count) {
    // TODO: accumulated += (c_i / C) micro_gradient. Reject mismatched shapes, c_i < 0, C <= 0 or c_i > C
    //       (ShapeError naming "accumulate_gradient").
    // Worked example: micro-batches of 3 and 1 counted tokens with mean-loss gradients 2 and 6: 3/4 * 2 + 1/4 * 6 = 3,
    //       the gradient of the mean over the 4 tokens (dividing by k = 2 would give 4).
    throw NotImplemented("accumulate_gradient");
}

}  // namespace wb
