// Graded tests for exercise GradientAccumulation. Golden: tests/fixtures/11_lm_training/accumulation.wbt (a linear
// next-token model's weight gradient by autograd, float64: of the whole batch's mean loss over 10 positions, 3 of them
// padding, and of each of three micro-batches' own mean loss, with 3, 2 and 2 counted tokens).
#include <vector>

#include "chapters/11_lm_training/accumulation.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {

/// The running gradient after accumulating each (gradient, count) in order, from zeros, out of a total count.
Tensor lm_accumulated(const std::vector<Tensor>& gradients, const std::vector<int>& counts, int total) {
    Tensor sum(gradients.front().shape());
    for (std::size_t i = 0; i < gradients.size(); ++i) accumulate_gradient(sum, gradients[i], counts[i], total);
    return sum;
}

}  // namespace

GRADED_TEST(GradientAccumulation, ByHand, 2, "3 and 1 counted tokens, gradients 2 and 6: 3/4 * 2 + 1/4 * 6 = 3, not (2 + 6) / 2.") {
    EXPECT_TENSOR_NEAR(LEARNER(lm_accumulated({Tensor({1}, {2.0f}), Tensor({1}, {6.0f})}, {3, 1}, 4)), Tensor({1}, {3.0f}),
                       tol::kExact);
    EXPECT_TENSOR_NEAR(LEARNER(lm_accumulated({Tensor({2}, {1.0f, 2.0f}), Tensor({2}, {5.0f, 5.0f})}, {0, 2}, 2)),
                       Tensor({2}, {5.0f, 5.0f}), tol::kExact)
        << "a micro-batch of padding alone adds nothing";
}

GRADED_TEST(GradientAccumulation, EqualsTheWholeBatch, 3,
            "Three micro-batches of 3, 2 and 2 counted tokens add up to the gradient of the whole batch's mean loss.") {
    const auto g = fixtures::load("11_lm_training", "accumulation");
    const std::vector<int> counts{g.integer("count0"), g.integer("count1"), g.integer("count2")};
    EXPECT_TENSOR_NEAR(LEARNER(lm_accumulated({g["micro0"], g["micro1"], g["micro2"]}, counts, 7)), g["full"], tol::kForward);
}

GRADED_TEST(GradientAccumulation, BadInput, 1, "Mismatched shapes, a negative count, a total of 0 or a count above the total is an error.") {
    Tensor sum({2});
    EXPECT_SHAPE_ERROR(accumulate_gradient(sum, Tensor({3}), 1, 2), "accumulate_gradient");
    EXPECT_SHAPE_ERROR(accumulate_gradient(sum, Tensor({2}), -1, 2), "accumulate_gradient");
    EXPECT_SHAPE_ERROR(accumulate_gradient(sum, Tensor({2}), 0, 0), "accumulate_gradient");
    EXPECT_SHAPE_ERROR(accumulate_gradient(sum, Tensor({2}), 3, 2), "accumulate_gradient");
}
