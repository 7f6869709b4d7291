// Exercise TokenCrossEntropy. Contracts and math: cross_entropy.hpp. Grade: ./wb grade 11
#include "chapters/11_lm_training/cross_entropy.hpp"

namespace wb {

TokenLoss next_token_loss(const Tensor& logits, const Tensor& targets, int ignore_index, float label_smoothing) {
    // TODO: per counted row: log p = z - max - log(sum exp(z - max)); q = (1 - e) onehot(y) + e / V;
    //       loss += -sum q log p; dz = p - q. Divide both by C, the counted rows; ignored rows keep a zero gradient.
    //       Reject bad shapes, targets outside [0, V) other than ignore_index, e outside [0, 1]
    //       (ShapeError naming "next_token_loss").
    // Worked example: z = [0, 0], y = 1, e = 0: p = [0.5, 0.5], loss = log 2, dz = [0.5, -0.5].
    throw NotImplemented("next_token_loss");
}

}  // namespace wb
