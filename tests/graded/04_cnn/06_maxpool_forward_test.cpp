// Graded tests for exercise MaxPoolForward. Goldens: tests/fixtures/04_cnn/pool_*.wbt (max_pool2d, return_indices).
#include "chapters/04_cnn/pool.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(MaxPoolForward, HandComputedWithNegatives, 1,
            "Start the running max from the window's first element, not from 0: this window is all negative.") {
    const Tensor x({1, 1, 2, 4}, {-5, -2, 1, 0, -3, -4, 0, 1});
    const MaxPoolResult r = LEARNER(maxpool2d_forward(x, 2, 2));
    EXPECT_TENSOR_NEAR(r.out, Tensor({1, 1, 1, 2}, {-2, 1}), tol::kExact);
    EXPECT_EQ(r.cache.argmax, (std::vector<int>{1, 2})) << "ties: the first maximum in row-major order wins";
}

GRADED_TEST(MaxPoolForward, MatchesPyTorch, 2, "Windows start at i*stride; OH = floor((H - k) / s) + 1 drops the leftover row.") {
    for (const char* name : {"pool_2x2", "pool_3x3_stride2_ties", "pool_2x2_ties"}) {
        SCOPED_TRACE(name);
        const auto g = fixtures::load("04_cnn", name);
        EXPECT_TENSOR_NEAR(LEARNER(maxpool2d_forward(g["x"], g.integer("kernel"), g.integer("stride"))).out, g["out"], tol::kExact);
    }
}

GRADED_TEST(MaxPoolForward, ArgmaxFollowsPyTorchTieRule, 2,
            "Replace the running max only on a strictly greater value, and store the flat index into the whole x.") {
    for (const char* name : {"pool_2x2", "pool_3x3_stride2_ties", "pool_2x2_ties"}) {
        SCOPED_TRACE(name);
        const auto g = fixtures::load("04_cnn", name);
        EXPECT_EQ(LEARNER(maxpool2d_forward(g["x"], g.integer("kernel"), g.integer("stride"))).cache.argmax, fixtures::as_ints(g["argmax"]));
    }
}

GRADED_TEST(MaxPoolForward, RejectsBadInput, 1, "x must be (N, C, H, W) and the window must fit: ShapeError naming maxpool2d_forward.") {
    EXPECT_SHAPE_ERROR(maxpool2d_forward(Tensor({4, 4}), 2, 2), "maxpool2d_forward");
    EXPECT_SHAPE_ERROR(maxpool2d_forward(Tensor({1, 1, 1, 1}), 2, 2), "maxpool2d_forward");
}
