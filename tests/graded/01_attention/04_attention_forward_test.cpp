// Graded tests for exercise AttentionForward. Goldens: tests/fixtures/01_attention/attention_*.wbt.
#include <cmath>

#include "chapters/01_attention/attention.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(AttentionForward, MatchesHandComputedValues, 1,
            "D = 1, q = k = [[1], [0]]: scores [[1, 0], [0, 0]], so query 0 leans to key 0 and query 1 splits evenly.") {
    const Tensor q({1, 2, 1}, {1, 0}), k({1, 2, 1}, {1, 0}), v({1, 2, 2}, {1, 0, 0, 1});
    const auto [out, cache] = LEARNER(attention_forward(q, k, v));
    const float a = 1.0f / (1.0f + std::exp(-1.0f));
    EXPECT_TENSOR_NEAR(cache.weights, Tensor({1, 2, 2}, {a, 1 - a, 0.5f, 0.5f}), tol::kExact);
    EXPECT_TENSOR_NEAR(out, Tensor({1, 2, 2}, {a, 1 - a, 0.5f, 0.5f}), tol::kExact);
}

GRADED_TEST(AttentionForward, MatchesPyTorch, 2,
            "out = softmax(q k^T / sqrt(D)) v; check the scale and that the softmax runs over keys (last dim).") {
    const auto g = fixtures::load("01_attention", "attention_plain");
    const auto [out, cache] = LEARNER(attention_forward(g["q"], g["k"], g["v"]));
    EXPECT_TENSOR_NEAR(cache.weights, g["weights"], tol::kForward);
    EXPECT_TENSOR_NEAR(out, g["out"], tol::kForward);
}

GRADED_TEST(AttentionForward, CausalMatchesPyTorch, 2,
            "Blocked scores act as -inf before the softmax, so future keys get exactly zero weight.") {
    const auto g = fixtures::load("01_attention", "attention_causal");
    const Mask mask = LEARNER(causal_mask(5, 5));
    const auto [out, cache] = LEARNER(attention_forward(g["q"], g["k"], g["v"], mask));
    EXPECT_TENSOR_NEAR(out, g["out"], tol::kForward);
    for (int b = 0; b < 2; ++b)
        for (int t = 0; t < 5; ++t)
            for (int s = t + 1; s < 5; ++s) EXPECT_EQ(cache.weights(b, t, s), 0.0f) << "future key " << s << " of query " << t;
}

GRADED_TEST(AttentionForward, PaddingMatchesPyTorch, 1, "Pass the (B, T, S) mask through to the masked softmax.") {
    const auto g = fixtures::load("01_attention", "attention_padding");
    const auto [out, cache] = LEARNER(attention_forward(g["q"], g["k"], g["v"], padding_mask({6, 2}, 4, 6)));
    EXPECT_TENSOR_NEAR(out, g["out"], tol::kForward);
    EXPECT_TENSOR_NEAR(cache.weights, g["weights"], tol::kForward);
}

GRADED_TEST(AttentionForward, CacheKeepsInputs, 1, "Store q, k and v in the cache: attention_backward reads them.") {
    const auto g = fixtures::load("01_attention", "attention_plain");
    const auto [out, cache] = LEARNER(attention_forward(g["q"], g["k"], g["v"]));
    EXPECT_TENSOR_NEAR(cache.q, g["q"], tol::kExact);
    EXPECT_TENSOR_NEAR(cache.k, g["k"], tol::kExact);
    EXPECT_TENSOR_NEAR(cache.v, g["v"], tol::kExact);
}

GRADED_TEST(AttentionForward, RejectsMismatchedShapes, 1,
            "k and v must agree on B and S, q and k on B and D; name attention_forward and both shapes.") {
    Rng rng(7);
    const Tensor q = Tensor::randn({2, 3, 4}, rng), k = Tensor::randn({2, 5, 4}, rng);
    EXPECT_SHAPE_ERROR(attention_forward(q, k, Tensor::randn({2, 4, 3}, rng)), "attention_forward");
    EXPECT_SHAPE_ERROR(attention_forward(q, Tensor::randn({2, 5, 6}, rng), Tensor::randn({2, 5, 3}, rng)),
                       "attention_forward");
}
