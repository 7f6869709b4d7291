// Graded tests for exercise ClassShares.
#include <vector>

#include "chapters/08_gan_program/quality.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(ClassShares, CountsEachRowsLargestLogit, 2, "Each row votes for its largest logit (the first one on a tie); shares sum to 1.") {
    const std::vector<double> shares = LEARNER(class_shares(Tensor({3, 2}, {1, 3, 5, 0, 2, 2})));
    ASSERT_EQ(shares.size(), 2u);
    EXPECT_NEAR(shares[0], 2.0 / 3, 1e-12);
    EXPECT_NEAR(shares[1], 1.0 / 3, 1e-12);
    const std::vector<double> collapsed = LEARNER(class_shares(Tensor({4, 3}, {-1, -5, -2, 0, -1, -3, 9, 1, 2, 3, 2, 1})));
    EXPECT_EQ(collapsed, (std::vector<double>{1.0, 0.0, 0.0})) << "negative logits too: the largest, not the largest positive";
}

GRADED_TEST(ClassShares, RejectsLogitsThatAreNotAMatrix, 1, "logits are (N, K) with N, K >= 1; name class_shares.") {
    EXPECT_SHAPE_ERROR(class_shares(Tensor({4})), "class_shares");
    EXPECT_SHAPE_ERROR(class_shares(Tensor({0, 10})), "class_shares");
}
