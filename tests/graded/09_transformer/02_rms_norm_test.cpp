// Graded tests for exercise RmsNorm. Golden: tests/fixtures/09_transformer/rms_norm.wbt (the formula, float64 autograd).
#include "chapters/09_transformer/norms.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/gradient_check.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(RmsNorm, ByHand, 1, "No mean is subtracted: divide by sqrt(mean(x^2) + eps), then multiply by the gain.") {
    const Tensor y = LEARNER(rms_norm_forward(Tensor({1, 2}, {3, 4}), Tensor({2}, {1, 2}), 0.0f));
    // mean(x^2) = 12.5 -> x / 3.5355 = [0.8485, 1.1314] -> gain [1, 2]
    EXPECT_TENSOR_NEAR(y, Tensor({1, 2}, {0.84852814f, 2.2627417f}), tol::kForward);
}

GRADED_TEST(RmsNorm, MatchesFormula, 2, "y = gain * x / sqrt(mean over the last axis of x^2 + eps); no bias, no mean.") {
    const auto g = fixtures::load("09_transformer", "rms_norm");
    EXPECT_TENSOR_NEAR(LEARNER(rms_norm_forward(g["x"], g["gain"], 1e-6f)), g["y"], tol::kForward);
}

GRADED_TEST(RmsNorm, BackwardMatchesAutograd, 3,
            "dx = r delta - x r^3 mean(delta x), delta = gain * dout: r depends on every x of the row. dgain sums dout x r over rows.") {
    const auto g = fixtures::load("09_transformer", "rms_norm");
    const NormGrads d = LEARNER(rms_norm_backward(g["dout"], g["x"], g["gain"], 1e-6f));
    EXPECT_TENSOR_NEAR(d.dx, g["dx"], tol::kBackward) << "dx";
    EXPECT_TENSOR_NEAR(d.dgain, g["dgain"], tol::kBackward) << "dgain";
    EXPECT_EQ(d.dbias.size(), std::size_t{0}) << "RMSNorm has no bias: dbias stays empty";
}

GRADED_TEST(RmsNorm, GradientCheck, 1, "Numerical and analytic dx disagree: the r^3 term carries how r depends on x.") {
    Rng rng(92);
    const Tensor x = Tensor::randn({2, 3, 4}, rng, 1.0f, 0.3f), gain = Tensor::randn({4}, rng, 0.5f, 1.0f);
    const Tensor dout = Tensor::randn({2, 3, 4}, rng);
    const NormGrads d = LEARNER(rms_norm_backward(dout, x, gain, 1e-6f));
    gradients::expect_gradient_check(
        "dx", [&](const Tensor& v) { return gradients::dot(LEARNER(rms_norm_forward(v, gain, 1e-6f)), dout); }, x, d.dx);
    gradients::expect_gradient_check(
        "dgain", [&](const Tensor& v) { return gradients::dot(LEARNER(rms_norm_forward(x, v, 1e-6f)), dout); }, gain, d.dgain);
}

GRADED_TEST(RmsNorm, RejectsMismatchedShapes, 1, "gain must be (D), D = x.dim(-1); dout must have x's shape.") {
    EXPECT_SHAPE_ERROR(rms_norm_forward(Tensor({2, 4}), Tensor({2})), "rms_norm_forward");
    EXPECT_SHAPE_ERROR(rms_norm_backward(Tensor({4, 2}), Tensor({2, 4}), Tensor({4})), "rms_norm_backward");
}
