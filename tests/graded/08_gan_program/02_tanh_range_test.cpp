// Graded tests for exercise TanhRange.
#include "chapters/08_gan_program/gan_data.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(TanhRange, MapsZeroOneToMinusOneOne, 2, "v -> 2 v - 1: 0 -> -1, 0.5 -> 0, 1 -> 1.") {
    EXPECT_TENSOR_NEAR(LEARNER(to_tanh_range(Tensor({1, 1, 1, 4}, {0.0f, 0.25f, 0.5f, 1.0f}))),
                       Tensor({1, 1, 1, 4}, {-1.0f, -0.5f, 0.0f, 1.0f}), tol::kExact);
}

GRADED_TEST(TanhRange, BackForDisplayClamped, 2, "v -> (v + 1) / 2, clamped to [0, 1]; the round trip gives the image back.") {
    EXPECT_TENSOR_NEAR(LEARNER(from_tanh_range(Tensor({4}, {-1.0f, 0.0f, 1.0f, 1.2f}))), Tensor({4}, {0.0f, 0.5f, 1.0f, 1.0f}),
                       tol::kExact);
    EXPECT_TENSOR_NEAR(LEARNER(from_tanh_range(Tensor({1}, {-1.5f}))), Tensor({1}, {0.0f}), tol::kExact);
    Rng rng(3);
    const Tensor x = Tensor::uniform({2, 1, 3, 3}, rng, 0.0f, 1.0f);
    EXPECT_TENSOR_NEAR(LEARNER(from_tanh_range(to_tanh_range(x))), x, tol::kExact);
}
