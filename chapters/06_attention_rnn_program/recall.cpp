// Exercise MarkedRecall. Contract: recall.hpp. Grade: ./wb grade 06
#include "chapters/06_attention_rnn_program/recall.hpp"

namespace wb {

RecallBatch make_marked_recall(int n, int length, Rng& rng) {
    // TODO: reject n < 1 or length < 1 (ShapeError naming "make_marked_recall").
    //       For each sequence: draw its `length` digits with rng.below(10), step 0 first, and set
    //       x[i, t, digit] = 1; then draw the mark's step with rng.below(length) and set x[i, mark, 10] = 1;
    //       labels[i] = the digit at the mark, positions[i] = mark.
    throw NotImplemented("make_marked_recall");
}

}  // namespace wb
