// Graded tests for exercise LoraBackward. Golden: tests/fixtures/09_transformer/lora.wbt (float64 autograd; W frozen).
#include "chapters/09_transformer/lora.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/gradient_check.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {
LoraWeights lora_backward_weights(const fixtures::Golden& g) { return {g["w"], g["a"], g["b"], g["alpha"][0]}; }
}  // namespace

GRADED_TEST(LoraBackward, MatchesAutograd, 3, "dB = s dout^T (x A^T); dA = s (dout B)^T x; dx = dout W + s (dout B) A, s = alpha / r.") {
    const auto g = fixtures::load("09_transformer", "lora");
    const LoraGrads d = LEARNER(lora_backward(g["dout"], g["x"], lora_backward_weights(g)));
    EXPECT_TENSOR_NEAR(d.dx, g["dx"], tol::kBackward) << "dx";
    EXPECT_TENSOR_NEAR(d.da, g["da"], tol::kBackward) << "da";
    EXPECT_TENSOR_NEAR(d.db, g["db"], tol::kBackward) << "db";
}

GRADED_TEST(LoraBackward, AtInitialisationOnlyBMoves, 1, "With B = 0, dA = s (dout B)^T x is zero while dB is not.") {
    const auto g = fixtures::load("09_transformer", "lora");
    LoraWeights w = lora_backward_weights(g);
    w.b = Tensor(w.b.shape());
    const LoraGrads d = LEARNER(lora_backward(g["dout"], g["x"], w));
    EXPECT_TENSOR_NEAR(d.da, Tensor(w.a.shape()), tol::kExact);
    EXPECT_TENSOR_NEAR(d.db, g["db"], tol::kBackward) << "dB does not depend on B";
}

GRADED_TEST(LoraBackward, GradientCheck, 1, "Numerical and analytic dA disagree: remember the alpha / r scale.") {
    Rng rng(96);
    const LoraWeights w{Tensor::randn({3, 5}, rng), Tensor::randn({2, 5}, rng, 0.5f), Tensor::randn({3, 2}, rng, 0.5f), 4.0f};
    const Tensor x = Tensor::randn({4, 5}, rng), dout = Tensor::randn({4, 3}, rng);
    const LoraGrads d = LEARNER(lora_backward(dout, x, w));
    gradients::expect_gradient_check(
        "da", [&](const Tensor& v) { return gradients::dot(LEARNER(lora_forward(x, {w.w, v, w.b, w.alpha})), dout); }, w.a, d.da);
    gradients::expect_gradient_check(
        "dx", [&](const Tensor& v) { return gradients::dot(LEARNER(lora_forward(v, w)), dout); }, x, d.dx);
}

GRADED_TEST(LoraBackward, RejectsMismatchedGradient, 1, "dout must be (N, out).") {
    EXPECT_SHAPE_ERROR(lora_backward(Tensor({2, 5}), Tensor({2, 6}), {Tensor({4, 6}), Tensor({3, 6}), Tensor({4, 3}), 8.0f}),
                       "lora_backward");
}
