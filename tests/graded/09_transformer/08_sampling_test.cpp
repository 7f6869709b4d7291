// Graded tests for exercise Sampling. Golden: tests/fixtures/09_transformer/sampling.wbt (softmax(z / T) in float64,
// checked there against torch.softmax).
#include <cmath>

#include "chapters/09_transformer/sampling.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(Sampling, DrawByInverseCdf, 1, "Return the first token whose running sum of probabilities exceeds u.") {
    const Tensor p({3}, {0.2f, 0.5f, 0.3f});
    EXPECT_EQ(LEARNER(draw_token(p, 0.0f)), 0);
    EXPECT_EQ(LEARNER(draw_token(p, 0.1f)), 0);
    EXPECT_EQ(LEARNER(draw_token(p, 0.2f)), 1) << "the sum must EXCEED u: 0.2 is not > 0.2";
    EXPECT_EQ(LEARNER(draw_token(p, 0.69f)), 1);
    EXPECT_EQ(LEARNER(draw_token(p, 0.75f)), 2);
    EXPECT_EQ(LEARNER(draw_token(Tensor({4}, {0.0f, 0.6f, 0.4f, 0.0f}), 0.99999f)), 2) << "a zero-probability token is never drawn";
    EXPECT_SHAPE_ERROR(draw_token(p, 1.0f), "draw_token");
    EXPECT_SHAPE_ERROR(draw_token(p, -0.1f), "draw_token");
}

GRADED_TEST(Sampling, GreedyPicksTheFirstMaximum, 1, "The argmax; among equal maxima the lowest index; probs one-hot on it.") {
    const Sample s = LEARNER(sample_greedy(Tensor({4}, {1.0f, 3.0f, 3.0f, -2.0f})));
    EXPECT_EQ(s.token, 1);
    EXPECT_TENSOR_NEAR(s.probs, Tensor({4}, {0, 1, 0, 0}), tol::kExact);
    EXPECT_SHAPE_ERROR(sample_greedy(Tensor({2, 2})), "sample_greedy");
}

GRADED_TEST(Sampling, TemperatureMatchesSoftmax, 2, "probs = softmax(logits / T): divide before the softmax, subtract the max for stability.") {
    const auto g = fixtures::load("09_transformer", "sampling");
    EXPECT_TENSOR_NEAR(LEARNER(sample_temperature(g["logits"], 0.7f, 0.5f)).probs, g["temperature_0_7"], tol::kForward);
    EXPECT_TENSOR_NEAR(LEARNER(sample_temperature(g["logits"], 1.5f, 0.5f)).probs, g["temperature_1_5"], tol::kForward);
}

GRADED_TEST(Sampling, TokenFromTheGivenUniform, 1, "The token is draw_token(probs, u) on the temperature's distribution.") {
    // logits [0, ln 3] at T = 1: probs [0.25, 0.75]; at T = 0.5: [0.1, 0.9]
    const Tensor z({2}, {0.0f, std::log(3.0f)});
    EXPECT_EQ(LEARNER(sample_temperature(z, 1.0f, 0.2f)).token, 0);
    EXPECT_EQ(LEARNER(sample_temperature(z, 1.0f, 0.3f)).token, 1);
    EXPECT_EQ(LEARNER(sample_temperature(z, 0.5f, 0.2f)).token, 1);
    EXPECT_TENSOR_NEAR(LEARNER(sample_temperature(z, 0.5f, 0.2f)).probs, Tensor({2}, {0.1f, 0.9f}), tol::kForward);
}

GRADED_TEST(Sampling, LowTemperatureTendsToGreedy, 1,
            "At T = 0.001 the logits are multiplied by 1000: without subtracting the max, exp overflows to inf and probs become NaN.") {
    const Sample s = LEARNER(sample_temperature(Tensor({3}, {2.0f, 2.5f, 1.0f}), 0.001f, 0.9f));
    EXPECT_TENSOR_NEAR(s.probs, Tensor({3}, {0, 1, 0}), tol::kForward);
    EXPECT_EQ(s.token, 1);
    const Sample tied = LEARNER(sample_temperature(Tensor({3}, {2.5f, 2.5f, 1.0f}), 0.001f, 0.9f));
    EXPECT_TENSOR_NEAR(tied.probs, Tensor({3}, {0.5f, 0.5f, 0.0f}), tol::kForward) << "tied maxima share the mass";
    EXPECT_SHAPE_ERROR(sample_temperature(Tensor({3}), 0.0f, 0.5f), "sample_temperature");
}
