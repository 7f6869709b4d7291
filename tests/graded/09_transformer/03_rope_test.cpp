// Graded tests for exercise Rope. Golden: tests/fixtures/09_transformer/rope.wbt (half-split RoPE written out, float64 autograd).
#include <cmath>

#include "chapters/09_transformer/rope.hpp"
#include "tests/graded/09_transformer/common.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using namespace transformer_test;

GRADED_TEST(Rope, ByHand, 1, "Pair i is (x_i, x_{i+Dh/2}) turned by the angle p * base^(-2i/Dh); pair 0 turns by p radians.") {
    // Dh = 4: pair 0 = features (0, 2) at frequency 1, pair 1 = features (1, 3) at frequency 10000^(-1/2) = 0.01
    const Tensor y = LEARNER(rope_forward(Tensor({1, 1, 1, 4}, {1, 1, 0, 0}), 1));
    EXPECT_TENSOR_NEAR(y, Tensor({1, 1, 1, 4}, {std::cos(1.0f), std::cos(0.01f), std::sin(1.0f), std::sin(0.01f)}), tol::kForward);
}

GRADED_TEST(Rope, MatchesReference, 2,
            "Half-split pairs (i, i + Dh/2), not neighbours (2i, 2i+1); row t sits at position start_position + t.") {
    const auto g = fixtures::load("09_transformer", "rope");
    EXPECT_TENSOR_NEAR(LEARNER(rope_forward(g["x"], 3)), g["y"], tol::kForward);
}

GRADED_TEST(Rope, LargePositionsAndBase, 1, "Compute the angle p * base^(-2i/Dh) in double: at p = 1000 a float angle is off by 1e-4 rad.") {
    const auto g = fixtures::load("09_transformer", "rope");
    EXPECT_TENSOR_NEAR(LEARNER(rope_forward(g["x_base"], 1000, 500000.0f)), g["y_base"], tol::kForward);
}

GRADED_TEST(Rope, ScoresDependOnTheOffsetOnly, 2,
            "<R_i q, R_j k> must equal <R_{i+s} q, R_{j+s} k>: rotate by each row's own position, the same angles for q and k.") {
    // one q and one k vector at every position 0..11; the score of (i, j) must depend on j - i only
    const Tensor q = same_row_everywhere({0.3f, -1.2f, 0.8f, 0.5f, 1.1f, -0.4f}, 12);
    const Tensor k = same_row_everywhere({-0.7f, 0.9f, 0.2f, 1.3f, -0.6f, 0.4f}, 12);
    const Tensor rq = LEARNER(rope_forward(q, 0)), rk = LEARNER(rope_forward(k, 0));
    for (int offset : {0, 1, 3, 7})
        for (int i : {1, 2, 4}) {
            EXPECT_NEAR(row_dot(rq, i, rk, i + offset), row_dot(rq, 0, rk, offset), 1e-4) << "offset " << offset << ", i " << i;
        }
    // and it is not a constant: different offsets give different scores
    EXPECT_GT(std::abs(row_dot(rq, 0, rk, 1) - row_dot(rq, 0, rk, 5)), 1e-3);
}

GRADED_TEST(Rope, BackwardMatchesAutograd, 2, "The backward turns dout back by the same angles: the transpose rotation (-angle).") {
    const auto g = fixtures::load("09_transformer", "rope");
    EXPECT_TENSOR_NEAR(LEARNER(rope_backward(g["dout"], 3)), g["dx"], tol::kBackward);
}

GRADED_TEST(Rope, RejectsBadShapes, 1, "x must be (B, H, T, Dh) with Dh even, and start_position >= 0.") {
    EXPECT_SHAPE_ERROR(rope_forward(Tensor({1, 2, 3, 5})), "rope_forward");
    EXPECT_SHAPE_ERROR(rope_forward(Tensor({2, 3, 4})), "rope_forward");
    EXPECT_SHAPE_ERROR(rope_forward(Tensor({1, 1, 2, 4}), -1), "rope_forward");
    EXPECT_SHAPE_ERROR(rope_backward(Tensor({1, 1, 2, 3})), "rope_backward");
}
