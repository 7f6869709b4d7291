// Graded tests for exercise AttentionBackward. Goldens: tests/fixtures/01_attention/attention_*.wbt (autograd).
#include "chapters/01_attention/attention.hpp"
#include "framework/gradcheck.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

static void expect_grads_match(const char* fixture, const Mask& mask) {
    const auto g = fixtures::load("01_attention", fixture);
    const auto fwd = LEARNER(attention_forward(g["q"], g["k"], g["v"], mask));
    const AttentionGrads grads = LEARNER(attention_backward(g["dout"], fwd.cache));
    EXPECT_TENSOR_NEAR(grads.dv, g["dv"], tol::kBackward);
    EXPECT_TENSOR_NEAR(grads.dq, g["dq"], tol::kBackward);
    EXPECT_TENSOR_NEAR(grads.dk, g["dk"], tol::kBackward);
}

GRADED_TEST(AttentionBackward, MatchesAutograd, 3,
            "dV = P^T dO; dP = dO V^T; dZ = P * (dP - rowsum(dP * P)); dQ = dZ K / sqrt(D); dK = dZ^T Q / sqrt(D).") {
    expect_grads_match("attention_plain", {});
}

GRADED_TEST(AttentionBackward, CausalMatchesAutograd, 2,
            "Blocked weights are 0, so with the full softmax Jacobian they get no gradient automatically.") {
    expect_grads_match("attention_causal", LEARNER(causal_mask(5, 5)));
}

GRADED_TEST(AttentionBackward, PaddedKeysGetNoGradient, 1, "Keys no query may see cannot influence the loss: dK and dV are zero there.") {
    expect_grads_match("attention_padding", LEARNER(padding_mask({6, 2}, 4, 6)));
    const auto g = fixtures::load("01_attention", "attention_padding");
    const auto fwd = LEARNER(attention_forward(g["q"], g["k"], g["v"], padding_mask({6, 2}, 4, 6)));
    const AttentionGrads grads = LEARNER(attention_backward(g["dout"], fwd.cache));
    ASSERT_EQ(grads.dv.shape(), g["v"].shape());
    for (int s = 2; s < 6; ++s)
        for (int d = 0; d < 5; ++d) EXPECT_EQ(grads.dv(1, s, d), 0.0f) << "padded key " << s;
}

// Tolerance: float32 forward, centered differences with h = 1e-2 in float. Relative error
// with floor 1e-3 (tiny gradients are judged absolutely) must stay below 1e-2.
GRADED_TEST(AttentionBackward, GradientCheck, 2,
            "Numerical and analytic gradients disagree: check each of dQ, dK, dV separately on paper.") {
    Rng rng(11);
    const Tensor q = Tensor::randn({1, 3, 4}, rng), k = Tensor::randn({1, 4, 4}, rng), v = Tensor::randn({1, 4, 2}, rng);
    const Tensor dout = Tensor::randn({1, 3, 2}, rng);
    // L = sum(out * dout), so dL/dout = dout
    auto loss = [&](const Tensor& qq, const Tensor& kk, const Tensor& vv) {
        const Tensor out = LEARNER(attention_forward(qq, kk, vv)).out;
        double sum = 0.0;
        for (std::size_t i = 0; i < out.size(); ++i) sum += static_cast<double>(out[i]) * dout[i];
        return sum;
    };
    const AttentionGrads grads = LEARNER(attention_backward(dout, attention_forward(q, k, v).cache));
    const Tensor nq = numeric_gradient([&](const Tensor& x) { return loss(x, k, v); }, q);
    const Tensor nk = numeric_gradient([&](const Tensor& x) { return loss(q, x, v); }, k);
    const Tensor nv = numeric_gradient([&](const Tensor& x) { return loss(q, k, x); }, v);
    EXPECT_LT(relative_error(grads.dq, nq, 1e-3), 1e-2) << "dq";
    EXPECT_LT(relative_error(grads.dk, nk, 1e-3), 1e-2) << "dk";
    EXPECT_LT(relative_error(grads.dv, nv, 1e-3), 1e-2) << "dv";
}

GRADED_TEST(AttentionBackward, RejectsWrongDout, 1, "dout must have the forward output's shape (B, T, Dv).") {
    const auto g = fixtures::load("01_attention", "attention_plain");
    const auto fwd = LEARNER(attention_forward(g["q"], g["k"], g["v"]));
    EXPECT_SHAPE_ERROR(attention_backward(Tensor({2, 4, 6}), fwd.cache), "attention_backward");
}
