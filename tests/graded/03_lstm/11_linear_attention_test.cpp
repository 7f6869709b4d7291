// Graded tests for exercises LinearAttentionParallel, LinearAttentionRecurrent and LinearAttentionBackward.
// Goldens: tests/fixtures/03_lstm/linear_attention.wbt (tools/fixtures/lstm.py: float64, autograd).
#include "chapters/03_lstm/linear_attention.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/gradient_check.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {
/// The test's own forward (plain loops): o_t = sum_{s <= t} (q_t . k_s) v_s, for the gradient checks.
Tensor causal_linear_attention(const Tensor& q, const Tensor& k, const Tensor& v) {
    const int B = q.dim(0), T = q.dim(1), D = q.dim(2), Dv = v.dim(2);
    Tensor out({B, T, Dv});
    for (int b = 0; b < B; ++b)
        for (int t = 0; t < T; ++t)
            for (int s = 0; s <= t; ++s) {
                double score = 0.0;
                for (int d = 0; d < D; ++d) score += static_cast<double>(q(b, t, d)) * k(b, s, d);
                for (int e = 0; e < Dv; ++e) out(b, t, e) += static_cast<float>(score * v(b, s, e));
            }
    return out;
}
}  // namespace

// ---- the parallel form ---------------------------------------------------------------------------

GRADED_TEST(LinearAttentionParallel, MatchesPyTorch, 3,
            "o_t sums over s <= t only (the causal mask), each v_s weighted by the raw score q_t . k_s: no softmax, no scale.") {
    const auto g = fixtures::load("03_lstm", "linear_attention");
    EXPECT_TENSOR_NEAR(LEARNER(linear_attention_parallel(g["q"], g["k"], g["v"])), g["out"], tol::kForward);
}

GRADED_TEST(LinearAttentionParallel, WorkedExample, 1,
            "q = [1, 2], k = [3, 1], v = [1, -1] (D = Dv = 1): o_0 = (1*3)*1 = 3, o_1 = (2*3)*1 + (2*1)*(-1) = 4.") {
    const Tensor q({1, 2, 1}, {1.0f, 2.0f}), k({1, 2, 1}, {3.0f, 1.0f}), v({1, 2, 1}, {1.0f, -1.0f});
    EXPECT_TENSOR_NEAR(LEARNER(linear_attention_parallel(q, k, v)), Tensor({1, 2, 1}, {3.0f, 4.0f}), tol::kExact);
}

GRADED_TEST(LinearAttentionParallel, TheFutureDoesNotLeak, 1,
            "Changing the last position's k and v may change only the last output: s runs to t, never past it.") {
    const auto g = fixtures::load("03_lstm", "linear_attention");
    Tensor k = g["k"], v = g["v"];
    const int B = k.dim(0), T = k.dim(1);
    for (int b = 0; b < B; ++b) {
        for (int d = 0; d < k.dim(2); ++d) k(b, T - 1, d) += 5.0f;
        for (int e = 0; e < v.dim(2); ++e) v(b, T - 1, e) -= 5.0f;
    }
    const Tensor before = LEARNER(linear_attention_parallel(g["q"], g["k"], g["v"]));
    const Tensor after = LEARNER(linear_attention_parallel(g["q"], k, v));
    ASSERT_EQ(after.shape(), before.shape());
    for (int b = 0; b < B; ++b)
        for (int t = 0; t + 1 < T; ++t)
            for (int e = 0; e < v.dim(2); ++e)
                EXPECT_FLOAT_EQ(after(b, t, e), before(b, t, e)) << "output (" << b << ", " << t << ", " << e << ")";
}

GRADED_TEST(LinearAttentionParallel, RejectsMismatchedShapes, 1,
            "q and k must both be (B, T, D); v (B, T, Dv); name linear_attention_parallel.") {
    EXPECT_SHAPE_ERROR(linear_attention_parallel(Tensor({2, 3, 4}), Tensor({2, 3, 5}), Tensor({2, 3, 2})),
                       "linear_attention_parallel");
    EXPECT_SHAPE_ERROR(linear_attention_parallel(Tensor({2, 3, 4}), Tensor({2, 3, 4}), Tensor({2, 4, 2})),
                       "linear_attention_parallel");
    EXPECT_SHAPE_ERROR(linear_attention_parallel(Tensor({3, 4}), Tensor({3, 4}), Tensor({3, 2})), "linear_attention_parallel");
}

// ---- the recurrent form --------------------------------------------------------------------------

GRADED_TEST(LinearAttentionRecurrent, MatchesPyTorch, 2,
            "Update first, then read: S_t = S_{t-1} + v_t k_t^T, o_t = S_t q_t, so position t sees its own v_t.") {
    const auto g = fixtures::load("03_lstm", "linear_attention");
    const LinearAttentionRecurrentResult r = LEARNER(linear_attention_recurrent(g["q"], g["k"], g["v"]));
    EXPECT_TENSOR_NEAR(r.out, g["out"], tol::kForward);
    EXPECT_TENSOR_NEAR(r.state, g["state"], tol::kForward);  // S_T = sum_t v_t k_t^T, (B, Dv, D)
}

GRADED_TEST(LinearAttentionRecurrent, ContinuesFromAState, 2,
            "Start S from state0 when it is given: the second piece of a sequence must remember the first.") {
    const auto g = fixtures::load("03_lstm", "linear_attention");
    const Tensor &q = g["q"], &k = g["k"], &v = g["v"];
    const int B = q.dim(0), T = q.dim(1), cut = 3;
    const auto piece = [&](const Tensor& x, int begin, int end) {
        Tensor p({B, end - begin, x.dim(2)});
        for (int b = 0; b < B; ++b)
            for (int t = begin; t < end; ++t)
                for (int d = 0; d < x.dim(2); ++d) p(b, t - begin, d) = x(b, t, d);
        return p;
    };
    const auto first = LEARNER(linear_attention_recurrent(piece(q, 0, cut), piece(k, 0, cut), piece(v, 0, cut)));
    const auto second =
        LEARNER(linear_attention_recurrent(piece(q, cut, T), piece(k, cut, T), piece(v, cut, T), first.state));
    EXPECT_TENSOR_NEAR(first.out, piece(g["out"], 0, cut), tol::kForward);
    EXPECT_TENSOR_NEAR(second.out, piece(g["out"], cut, T), tol::kForward);
    EXPECT_TENSOR_NEAR(second.state, g["state"], tol::kForward);
}

GRADED_TEST(LinearAttentionRecurrent, RejectsMismatchedShapes, 1,
            "state0 must be (B, Dv, D) or empty, and q, k, v as in the parallel form; name linear_attention_recurrent.") {
    const Tensor q({2, 3, 4}), v({2, 3, 5});
    EXPECT_SHAPE_ERROR(linear_attention_recurrent(q, q, v, Tensor({2, 4, 5})), "linear_attention_recurrent");
    EXPECT_SHAPE_ERROR(linear_attention_recurrent(q, Tensor({2, 3, 5}), v), "linear_attention_recurrent");
}

// ---- the backward pass ---------------------------------------------------------------------------

GRADED_TEST(LinearAttentionBackward, MatchesAutograd, 3,
            "dq_t = S_t^T do_t with S_t = sum_{s<=t} v_s k_s^T; dk_s = R_s^T v_s and dv_s = R_s k_s with R_s = sum_{t>=s} do_t q_t^T.") {
    const auto g = fixtures::load("03_lstm", "linear_attention");
    const LinearAttentionGrads d = LEARNER(linear_attention_backward(g["dout"], g["q"], g["k"], g["v"]));
    EXPECT_TENSOR_NEAR(d.dq, g["dq"], tol::kBackward) << "dq";
    EXPECT_TENSOR_NEAR(d.dk, g["dk"], tol::kBackward) << "dk";
    EXPECT_TENSOR_NEAR(d.dv, g["dv"], tol::kBackward) << "dv";
}

GRADED_TEST(LinearAttentionBackward, GradientCheck, 2,
            "Numerical and analytic gradients disagree: k_s and v_s reach every output t >= s, so their sums run to the end.") {
    Rng rng(303);
    const Tensor q = Tensor::randn({2, 5, 3}, rng, 0.7f), k = Tensor::randn({2, 5, 3}, rng, 0.7f),
                 v = Tensor::randn({2, 5, 2}, rng), dout = Tensor::randn({2, 5, 2}, rng);
    const LinearAttentionGrads d = LEARNER(linear_attention_backward(dout, q, k, v));
    using gradients::dot;
    gradients::expect_gradient_check("dq", [&](const Tensor& x) { return dot(causal_linear_attention(x, k, v), dout); }, q, d.dq);
    gradients::expect_gradient_check("dk", [&](const Tensor& x) { return dot(causal_linear_attention(q, x, v), dout); }, k, d.dk);
    gradients::expect_gradient_check("dv", [&](const Tensor& x) { return dot(causal_linear_attention(q, k, x), dout); }, v, d.dv);
}

GRADED_TEST(LinearAttentionBackward, RejectsMismatchedGradient, 1, "dout must be (B, T, Dv); name linear_attention_backward.") {
    const Tensor q({2, 3, 4}), v({2, 3, 5});
    EXPECT_SHAPE_ERROR(linear_attention_backward(Tensor({2, 3, 4}), q, q, v), "linear_attention_backward");
}
