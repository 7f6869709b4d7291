// Exercise SequenceMetrics. Contracts: metrics.hpp. Grade: ./wb grade 02
#include "chapters/02_attention_nlp/metrics.hpp"

namespace wb {

double exact_match(const Tensor& predicted, const Tensor& target, int eos_id) {
    // TODO: check both are (N, T), N >= 1 (ShapeError naming "exact_match"). For each row, the counted
    //       positions run up to and including the target's first eos_id (all T without one); the row is
    //       exact when predicted equals target at every counted position. Return exact rows / N.
    // Worked example (eos 9): target [[4, 9, 0]], predicted [[4, 9, 7]] -> 1.0 (position 2 is padding).
    throw NotImplemented("exact_match");
}

double token_accuracy(const Tensor& predicted, const Tensor& target, int eos_id) {
    // TODO: as exact_match, but count right positions over all counted positions of all rows.
    // Worked example (eos 9): target [[4, 9, 0], [1, 2, 9]], predicted [[4, 3, 0], [1, 2, 9]] -> 4 / 5.
    throw NotImplemented("token_accuracy");
}

}  // namespace wb
