// Graded tests for exercise SequenceMetrics (hand-computed cases: PyTorch has no such op).
#include "chapters/02_attention_nlp/metrics.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {
constexpr int kEos = 9;
// Row 0: right up to its EOS, different padding after it. Row 1: one wrong token before its EOS.
// Row 2: no EOS, all 3 positions count, all right. Row 3: the EOS itself predicted wrong.
const Tensor kTarget({4, 3}, {4, 9, 0, 1, 2, 9, 5, 6, 7, 9, 0, 0});
const Tensor kPredicted({4, 3}, {4, 9, 7, 1, 3, 9, 5, 6, 7, 2, 0, 0});
}  // namespace

GRADED_TEST(SequenceMetrics, ExactMatchIgnoresPaddingAfterEos, 1,
            "A row is exact when every position up to and including the target's first EOS is right; "
            "what comes after the EOS is padding.") {
    EXPECT_DOUBLE_EQ(LEARNER(exact_match(kPredicted, kTarget, kEos)), 2.0 / 4.0);
    EXPECT_DOUBLE_EQ(LEARNER(exact_match(kTarget, kTarget, kEos)), 1.0);
}

GRADED_TEST(SequenceMetrics, TokenAccuracyCountsEveryRealPosition, 2,
            "Count over the positions of all rows together (2 + 3 + 3 + 1 = 9 here), the EOS included, "
            "not an average of per-row accuracies.") {
    // right: row 0 2/2, row 1 2/3, row 2 3/3, row 3 0/1 -> 7 / 9
    EXPECT_DOUBLE_EQ(LEARNER(token_accuracy(kPredicted, kTarget, kEos)), 7.0 / 9.0);
    EXPECT_DOUBLE_EQ(LEARNER(token_accuracy(kTarget, kTarget, kEos)), 1.0);
}

GRADED_TEST(SequenceMetrics, RejectsMismatchedShapes, 1, "Both (N, T), the same shape, N >= 1; name the function.") {
    EXPECT_SHAPE_ERROR(exact_match(Tensor({4, 2}), kTarget, kEos), "exact_match");
    EXPECT_SHAPE_ERROR(token_accuracy(Tensor({12}), Tensor({12}), kEos), "token_accuracy");
    EXPECT_SHAPE_ERROR(exact_match(Tensor({0, 3}), Tensor({0, 3}), kEos), "exact_match");
}
