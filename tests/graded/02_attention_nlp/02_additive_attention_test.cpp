// Graded tests for exercise AdditiveAttention. Goldens: tests/fixtures/02_attention_nlp/additive_*.wbt
// (autograd, float64).
#include <algorithm>
#include <cmath>

#include "chapters/02_attention_nlp/additive_attention.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/gradient_check.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using gradients::dot;
using gradients::expect_gradient_check;

namespace {

AdditiveAttentionWeights additive_weights(const fixtures::Golden& g) { return {g["w_q"], g["w_k"], g["b"], g["v"]}; }

void expect_forward_matches(const char* fixture) {
    const auto g = fixtures::load("02_attention_nlp", fixture);
    const AdditiveAttentionResult r = LEARNER(additive_attention_forward(g["query"], g["keys"], g["mask"], additive_weights(g)));
    EXPECT_TENSOR_NEAR(r.weights, g["weights"], tol::kForward) << "weights";
    EXPECT_TENSOR_NEAR(r.context, g["context"], tol::kForward) << "context";
}

void expect_backward_matches(const char* fixture) {
    const auto g = fixtures::load("02_attention_nlp", fixture);
    const AdditiveAttentionGrads d =
        LEARNER(additive_attention_backward(g["d_context"], g["query"], g["keys"], g["mask"], additive_weights(g)));
    EXPECT_TENSOR_NEAR(d.d_query, g["d_query"], tol::kBackward) << "d_query";
    EXPECT_TENSOR_NEAR(d.d_keys, g["d_keys"], tol::kBackward) << "d_keys";
    EXPECT_TENSOR_NEAR(d.d_w_q, g["d_w_q"], tol::kBackward) << "d_w_q";
    EXPECT_TENSOR_NEAR(d.d_w_k, g["d_w_k"], tol::kBackward) << "d_w_k";
    EXPECT_TENSOR_NEAR(d.d_b, g["d_b"], tol::kBackward) << "d_b";
    EXPECT_TENSOR_NEAR(d.d_v, g["d_v"], tol::kBackward) << "d_v";
}

/// The largest score e_t = v . tanh(W_q q + W_k h_t + b) over a golden's unmasked positions: additive_holes's
/// must pass log(FLT_MAX) = 88.72, where an unshifted float exp overflows, or that case would not test the shift.
float largest_score(const fixtures::Golden& g) {
    const Tensor &q = g["query"], &h = g["keys"], &m = g["mask"], &w_q = g["w_q"], &w_k = g["w_k"], &b = g["b"], &v = g["v"];
    float largest = -INFINITY;
    for (int n = 0; n < h.dim(0); ++n)
        for (int t = 0; t < h.dim(1); ++t) {
            if (m(n, t) == 0.0f) continue;
            double e = 0.0;
            for (int a = 0; a < v.dim(0); ++a) {
                double u = b[a];
                for (int i = 0; i < q.dim(1); ++i) u += w_q(a, i) * q(n, i);
                for (int j = 0; j < h.dim(2); ++j) u += w_k(a, j) * h(n, t, j);
                e += v[a] * std::tanh(u);
            }
            largest = std::max(largest, static_cast<float>(e));
        }
    return largest;
}

}  // namespace

GRADED_TEST(AdditiveAttention, HandComputedWithOneHiddenUnit, 2,
            "A = 1: e_t = v tanh(w_q q + w_k h_t + b); weights = softmax(e); context = sum_t weights_t h_t.") {
    const AdditiveAttentionWeights w{Tensor({1, 1}, {1.0f}), Tensor({1, 1}, {2.0f}), Tensor({1}, {0.0f}), Tensor({1}, {1.0f})};
    const Tensor query({1, 1}, {0.0f}), keys({1, 2, 1}, {0.0f, 1.0f}), mask({1, 2}, {1, 1});
    const AdditiveAttentionResult r = LEARNER(additive_attention_forward(query, keys, mask, w));
    // e = (tanh 0, tanh 2) = (0, 0.964...); a_1 = 1 / (1 + e^(-tanh 2))
    const float a1 = 1.0f / (1.0f + std::exp(-std::tanh(2.0f)));
    EXPECT_TENSOR_NEAR(r.weights, Tensor({1, 2}, {1.0f - a1, a1}), tol::kExact);
    EXPECT_TENSOR_NEAR(r.context, Tensor({1, 1}, {a1}), tol::kExact);
}

GRADED_TEST(AdditiveAttention, ForwardMatchesPyTorch, 2,
            "Project the query once (W_q q + b), add W_k h_t per position, tanh, then v: the tanh wraps the sum.") {
    expect_forward_matches("additive_full");
}

GRADED_TEST(AdditiveAttention, PaddingGetsExactlyZeroWeight, 2,
            "Masked positions are left out of the softmax (score -inf): their weight is exactly 0, the rest sum to 1.") {
    expect_forward_matches("additive_padded");
    const auto g = fixtures::load("02_attention_nlp", "additive_padded");
    const AdditiveAttentionResult r = LEARNER(additive_attention_forward(g["query"], g["keys"], g["mask"], additive_weights(g)));
    for (int n = 0; n < r.weights.dim(0); ++n)
        for (int t = 0; t < r.weights.dim(1); ++t)
            if (g["mask"](n, t) == 0.0f) EXPECT_EQ(r.weights(n, t), 0.0f) << "row " << n << ", padded position " << t;
    // a padded position's contents cannot matter
    Tensor keys = g["keys"];
    keys(1, 4, 0) += 100.0f;  // row 1 has 2 real positions
    EXPECT_TENSOR_NEAR(LEARNER(additive_attention_forward(g["query"], keys, g["mask"], additive_weights(g))).context, r.context, tol::kExact);
}

GRADED_TEST(AdditiveAttention, BackwardMatchesAutograd, 3,
            "dL/de_t = a_t (g_t - sum_s a_s g_s) with g_t = dL/dc . h_t; each key also gets a_t dL/dc from the average.") {
    expect_backward_matches("additive_full");
}

GRADED_TEST(AdditiveAttention, BackwardWithPaddingMatchesAutograd, 2,
            "Padded positions get no score gradient (their a_t = 0), and the weight gradients sum over the batch.") {
    expect_backward_matches("additive_padded");
}

GRADED_TEST(AdditiveAttention, AnyMaskPatternAndLargeScores, 2,
            "Read the mask position by position (it need not be a prefix), and subtract the largest unmasked "
            "score before exp: these scores pass 88, where float's exp overflows.") {
    ASSERT_GT(largest_score(fixtures::load("02_attention_nlp", "additive_holes")), 88.73f) << "the case's premise";
    expect_forward_matches("additive_holes");
    expect_backward_matches("additive_holes");
}

GRADED_TEST(AdditiveAttention, GradientCheck, 2,
            "Numerical and analytic gradients disagree: check d_query, d_keys and d_w_k one at a time on paper.") {
    Rng rng(7);
    const int N = 2, T = 3, H = 2, Q = 3, A = 4;
    const AdditiveAttentionWeights w{Tensor::randn({A, Q}, rng, 0.5f), Tensor::randn({A, H}, rng, 0.5f),
                                     Tensor::randn({A}, rng, 0.3f), Tensor::randn({A}, rng)};
    const Tensor query = Tensor::randn({N, Q}, rng), keys = Tensor::randn({N, T, H}, rng);
    const Tensor mask({N, T}, {1, 1, 1, 1, 1, 0}), d_context = Tensor::randn({N, H}, rng);
    // L = sum(c o d_context)
    auto loss = [&](const Tensor& q, const Tensor& k, const AdditiveAttentionWeights& ww) {
        return dot(LEARNER(additive_attention_forward(q, k, mask, ww)).context, d_context);
    };
    const AdditiveAttentionGrads d = LEARNER(additive_attention_backward(d_context, query, keys, mask, w));
    expect_gradient_check("d_query", [&](const Tensor& v) { return loss(v, keys, w); }, query, d.d_query);
    expect_gradient_check("d_keys", [&](const Tensor& v) { return loss(query, v, w); }, keys, d.d_keys);
    expect_gradient_check("d_w_k", [&](const Tensor& v) { return loss(query, keys, {w.w_q, v, w.b, w.v}); }, w.w_k, d.d_w_k);
    expect_gradient_check("d_v", [&](const Tensor& v) { return loss(query, keys, {w.w_q, w.w_k, w.b, v}); }, w.v, d.d_v);
}

GRADED_TEST(AdditiveAttention, RejectsMismatchedShapesAndEmptyRows, 1,
            "Check the shapes against query (N, Q) and keys (N, T, H) first, and that each mask row has a 1.") {
    const AdditiveAttentionWeights w{Tensor({4, 3}), Tensor({4, 2}), Tensor({4}), Tensor({4})};
    const Tensor query({2, 3}), keys({2, 5, 2}), mask({2, 5}, 1.0f);
    EXPECT_SHAPE_ERROR(additive_attention_forward(query, Tensor({3, 5, 2}), mask, w), "additive_attention_forward");
    EXPECT_SHAPE_ERROR(additive_attention_forward(query, keys, Tensor({2, 4}, 1.0f), w), "additive_attention_forward");
    EXPECT_SHAPE_ERROR(additive_attention_forward(query, keys, mask, {w.w_q, Tensor({4, 3}), w.b, w.v}),
                       "additive_attention_forward");
    Tensor empty_row = mask;
    for (int t = 0; t < 5; ++t) empty_row(1, t) = 0.0f;
    EXPECT_SHAPE_ERROR(additive_attention_forward(query, keys, empty_row, w), "additive_attention_forward");
    EXPECT_SHAPE_ERROR(additive_attention_backward(Tensor({2, 3}), query, keys, mask, w), "additive_attention_backward");
}
