// Graded tests for exercise SwiGlu. Golden: tests/fixtures/09_transformer/swiglu.wbt (F.silu, float64 autograd).
#include "chapters/09_transformer/ffn.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/gradient_check.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {
SwiGluWeights swiglu_weights(const fixtures::Golden& g) { return {g["w_gate"], g["w_up"], g["w_down"]}; }
}  // namespace

GRADED_TEST(SwiGlu, ByHand, 1, "h = silu(x W_gate^T) * (x W_up^T), silu(a) = a sigmoid(a); y = h W_down^T.") {
    const Tensor one({1, 1}, 1.0f);
    EXPECT_TENSOR_NEAR(LEARNER(swiglu_forward(Tensor({1, 1}, 2.0f), {one, one, one})), Tensor({1, 1}, 3.5231883f), tol::kForward);
}

GRADED_TEST(SwiGlu, MatchesPyTorch, 2, "The gate goes through SiLU, the up projection does not; both use (F, D) weights transposed.") {
    const auto g = fixtures::load("09_transformer", "swiglu");
    EXPECT_TENSOR_NEAR(LEARNER(swiglu_forward(g["x"], swiglu_weights(g))), g["y"], tol::kForward);
}

GRADED_TEST(SwiGlu, BackwardMatchesAutograd, 3,
            "dh = dout W_down; du = dh silu(a); da = dh u s(1 + a(1 - s)); dx = da W_gate + du W_up; weight grads are (grad)^T input.") {
    const auto g = fixtures::load("09_transformer", "swiglu");
    const SwiGluGrads d = LEARNER(swiglu_backward(g["dout"], g["x"], swiglu_weights(g)));
    EXPECT_TENSOR_NEAR(d.dx, g["dx"], tol::kBackward) << "dx";
    EXPECT_TENSOR_NEAR(d.dw_gate, g["dw_gate"], tol::kBackward) << "dw_gate";
    EXPECT_TENSOR_NEAR(d.dw_up, g["dw_up"], tol::kBackward) << "dw_up";
    EXPECT_TENSOR_NEAR(d.dw_down, g["dw_down"], tol::kBackward) << "dw_down";
}

GRADED_TEST(SwiGlu, GradientCheck, 1, "Numerical and analytic dx disagree: silu'(a) = s (1 + a (1 - s)), not s (1 - s).") {
    Rng rng(94);
    const SwiGluWeights w{Tensor::randn({6, 4}, rng, 0.5f), Tensor::randn({6, 4}, rng, 0.5f), Tensor::randn({4, 6}, rng, 0.5f)};
    const Tensor x = Tensor::randn({3, 4}, rng), dout = Tensor::randn({3, 4}, rng);
    const SwiGluGrads d = LEARNER(swiglu_backward(dout, x, w));
    gradients::expect_gradient_check("dx", [&](const Tensor& v) { return gradients::dot(LEARNER(swiglu_forward(v, w)), dout); }, x, d.dx);
    gradients::expect_gradient_check(
        "dw_gate", [&](const Tensor& v) { return gradients::dot(LEARNER(swiglu_forward(x, {v, w.w_up, w.w_down})), dout); }, w.w_gate,
        d.dw_gate);
}

GRADED_TEST(SwiGlu, RejectsMismatchedWeights, 1, "w_gate and w_up are (F, D), w_down is (D, F); dout is (N, D).") {
    const Tensor x({2, 4});
    EXPECT_SHAPE_ERROR(swiglu_forward(x, {Tensor({6, 4}), Tensor({5, 4}), Tensor({4, 6})}), "swiglu_forward");
    EXPECT_SHAPE_ERROR(swiglu_forward(x, {Tensor({6, 3}), Tensor({6, 3}), Tensor({3, 6})}), "swiglu_forward");
    EXPECT_SHAPE_ERROR(swiglu_backward(Tensor({2, 5}), x, {Tensor({6, 4}), Tensor({6, 4}), Tensor({4, 6})}), "swiglu_backward");
}
