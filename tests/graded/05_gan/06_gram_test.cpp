// Graded tests for exercise GramMatrix. Goldens: tests/fixtures/05_gan/style.wbt.
#include "chapters/05_gan/style.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(GramMatrix, MatchesTorch, 2, "Per image: F as (C, H W), G = F F^T / (C H W).") {
    const auto g = fixtures::load("05_gan", "style");
    EXPECT_TENSOR_NEAR(LEARNER(gram_matrix(g["features"])), g["gram"], tol::kForward);
}

GRADED_TEST(GramMatrix, HandComputed, 1, "One channel with values 1 and 3: (1 + 9) / (1 * 1 * 2) = 5. Each image has its own Gram matrix.") {
    const Tensor f({2, 2, 1, 2}, {1, 3, 2, 0, /* image 1 */ 0, 1, 1, 0});
    // image 0: channels (1, 3) and (2, 0); image 1: (0, 1) and (1, 0); divided by C H W = 4
    EXPECT_TENSOR_NEAR(LEARNER(gram_matrix(f)), Tensor({2, 2, 2}, {2.5f, 0.5f, 0.5f, 1.0f, 0.25f, 0.0f, 0.0f, 0.25f}), tol::kExact);
}

GRADED_TEST(GramMatrix, RejectsWrongRank, 1, "features are (N, C, H, W); name gram_matrix.") {
    EXPECT_SHAPE_ERROR(gram_matrix(Tensor({2, 3, 4})), "gram_matrix");
}
