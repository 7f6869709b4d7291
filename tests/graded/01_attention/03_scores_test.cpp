// Graded tests for exercise Scores. Goldens: tests/fixtures/01_attention/scores.wbt.
#include <cmath>

#include "chapters/01_attention/scores.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(Scores, DotMatchesHandComputedValues, 1, "e[t, s] = q_t . k_s: row t of q against row s of k.") {
    const Tensor q({1, 2, 2}, {1, 2, 3, 4});
    const Tensor k({1, 3, 2}, {1, 0, 0, 1, 1, 1});
    EXPECT_TENSOR_NEAR(LEARNER(dot_scores(q, k)), Tensor({1, 2, 3}, {1, 2, 3, 3, 4, 7}), tol::kExact);
}

GRADED_TEST(Scores, DotMatchesPyTorch, 1, "The result is q k^T per batch: (B, T, D) x (B, D, S) -> (B, T, S).") {
    const auto g = fixtures::load("01_attention", "scores");
    EXPECT_TENSOR_NEAR(LEARNER(dot_scores(g["q"], g["k"])), g["dot"], tol::kForward);
}

GRADED_TEST(Scores, ScaledDividesBySqrtD, 2,
            "Divide by sqrt(D), not D: the standard deviation of q.k grows like sqrt(D).") {
    const auto g = fixtures::load("01_attention", "scores");
    EXPECT_TENSOR_NEAR(LEARNER(scaled_dot_scores(g["q"], g["k"])), g["scaled"], tol::kForward);
    const Tensor ones({1, 1, 16}, 1.0f);  // q.k = 16, sqrt(16) = 4
    EXPECT_TENSOR_NEAR(LEARNER(scaled_dot_scores(ones, ones)), Tensor({1, 1, 1}, {4.0f}), tol::kExact);
}

GRADED_TEST(Scores, AdditiveMatchesPyTorch, 2,
            "e[t, s] = v . tanh(W_q q_t + W_k k_s): the tanh goes inside, around the sum of both projections.") {
    const auto g = fixtures::load("01_attention", "scores");
    const AdditiveWeights w{g["w_q"], g["w_k"], g["v"]};
    EXPECT_TENSOR_NEAR(LEARNER(additive_scores(g["qa"], g["ka"], w)), g["additive"], tol::kForward);
}

GRADED_TEST(Scores, AdditiveHandComputed, 1, "With A = 1: e = v * tanh(w_q q + w_k k).") {
    const AdditiveWeights w{Tensor({1, 1}, {2.0f}), Tensor({1, 1}, {-1.0f}), Tensor({1}, {3.0f})};
    const Tensor q({1, 1, 1}, {0.5f}), k({1, 2, 1}, {1.0f, 0.25f});
    EXPECT_TENSOR_NEAR(LEARNER(additive_scores(q, k, w)), Tensor({1, 1, 2}, {0.0f, 3.0f * std::tanh(0.75f)}), tol::kExact);
}

GRADED_TEST(Scores, RejectMismatchedShapes, 1,
            "Check B and D before multiplying; the ShapeError names the function and both shapes.") {
    Rng rng(5);
    const Tensor q = Tensor::randn({2, 3, 4}, rng), k_wrong_d = Tensor::randn({2, 5, 3}, rng);
    const Tensor k_wrong_b = Tensor::randn({1, 5, 4}, rng);
    EXPECT_SHAPE_ERROR(dot_scores(q, k_wrong_d), "dot_scores");
    EXPECT_SHAPE_ERROR(scaled_dot_scores(q, k_wrong_b), "scaled_dot_scores");
    const AdditiveWeights w{Tensor({7, 4}), Tensor({7, 3}), Tensor({6})};  // v has the wrong A
    EXPECT_SHAPE_ERROR(additive_scores(q, k_wrong_d, w), "additive_scores");
}
