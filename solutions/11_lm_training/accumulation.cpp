// Reference: gradient accumulation weighted by each micro-batch's counted tokens.
#include "chapters/11_lm_training/accumulation.hpp"

#include <string>

namespace wb {

void accumulate_gradient(Tensor& accumulated, const Tensor& micro_gradient, int micro_count, int total_count) {
    const char* op = "accumulate_gradient";
    require_shape(op, "micro_gradient", micro_gradient, accumulated.shape());
    if (micro_count < 0 || total_count <= 0 || micro_count > total_count)
        throw ShapeError(std::string(op) + ": needs 0 <= micro-batch count <= total count and a positive total, got " +
                         std::to_string(micro_count) + " of " + std::to_string(total_count));
    // g += (c_i / C) g_i: the micro-batch's share of the batch's mean
    const float share = static_cast<float>(micro_count) / static_cast<float>(total_count);
    for (std::size_t i = 0; i < accumulated.size(); ++i) accumulated[i] += share * micro_gradient[i];
}

}  // namespace wb
