// Graded tests for exercise LayerNorm. Golden: tests/fixtures/09_transformer/layer_norm.wbt (F.layer_norm, float64 autograd).
#include "chapters/09_transformer/norms.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/gradient_check.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(LayerNorm, ByHand, 1, "Each row: subtract its mean, divide by sqrt(biased variance + eps), then gain and bias.") {
    const Tensor y = LEARNER(layer_norm_forward(Tensor({2, 2}, {1, 3, 5, 5}), Tensor({2}, {1, 2}), Tensor({2}, {0, 1}), 1e-12f));
    // row [1, 3]: mean 2, variance 1 -> [-1, 1] -> gain [1, 2], bias [0, 1] -> [-1, 3]; row [5, 5]: variance 0 -> bias only
    EXPECT_TENSOR_NEAR(y, Tensor({2, 2}, {-1, 3, 0, 1}), tol::kForward);
}

GRADED_TEST(LayerNorm, EpsInsideTheRoot, 1, "A nearly constant row shows where eps goes: 1 / sqrt(var + eps), not 1 / (sqrt(var) + eps).") {
    // x = [0, 0.002]: mean 0.001, variance 1e-6; with eps = 1e-5 inside the root, xhat = -+0.001 / sqrt(1.1e-5)
    EXPECT_TENSOR_NEAR(LEARNER(layer_norm_forward(Tensor({1, 2}, {0.0f, 0.002f}), Tensor({2}, 1.0f), Tensor({2}), 1e-5f)),
                       Tensor({1, 2}, {-0.30151134f, 0.30151134f}), tol::kForward);
}

GRADED_TEST(LayerNorm, MatchesPyTorch, 2,
            "Normalise over the last axis only, with the biased variance (divide by D) and eps inside the square root.") {
    const auto g = fixtures::load("09_transformer", "layer_norm");
    EXPECT_TENSOR_NEAR(LEARNER(layer_norm_forward(g["x"], g["gain"], g["bias"], 1e-5f)), g["y"], tol::kForward);
}

GRADED_TEST(LayerNorm, BackwardMatchesAutograd, 3,
            "dx = r (delta - mean(delta) - xhat mean(delta xhat)) with delta = gain * dout: the mean and the variance both depend on x.") {
    const auto g = fixtures::load("09_transformer", "layer_norm");
    const NormGrads d = LEARNER(layer_norm_backward(g["dout"], g["x"], g["gain"], 1e-5f));
    EXPECT_TENSOR_NEAR(d.dx, g["dx"], tol::kBackward) << "dx";
    EXPECT_TENSOR_NEAR(d.dgain, g["dgain"], tol::kBackward) << "dgain";
    EXPECT_TENSOR_NEAR(d.dbias, g["dbias"], tol::kBackward) << "dbias";
}

GRADED_TEST(LayerNorm, GradientCheck, 1, "Numerical and analytic dx disagree: both the mean and the variance terms are needed.") {
    Rng rng(91);
    const Tensor x = Tensor::randn({3, 5}, rng, 1.5f, 0.5f), gain = Tensor::randn({5}, rng, 0.5f, 1.0f);
    const Tensor bias = Tensor::randn({5}, rng, 0.3f), dout = Tensor::randn({3, 5}, rng);
    const NormGrads d = LEARNER(layer_norm_backward(dout, x, gain, 1e-5f));
    gradients::expect_gradient_check(
        "dx", [&](const Tensor& v) { return gradients::dot(LEARNER(layer_norm_forward(v, gain, bias, 1e-5f)), dout); }, x, d.dx);
}

GRADED_TEST(LayerNorm, RejectsMismatchedShapes, 1, "gain and bias must be (D) with D = x.dim(-1); dout must have x's shape.") {
    EXPECT_SHAPE_ERROR(layer_norm_forward(Tensor({2, 4}), Tensor({3}), Tensor({4})), "layer_norm_forward");
    EXPECT_SHAPE_ERROR(layer_norm_forward(Tensor({2, 4}), Tensor({4}), Tensor({5})), "layer_norm_forward");
    EXPECT_SHAPE_ERROR(layer_norm_backward(Tensor({2, 3}), Tensor({2, 4}), Tensor({4})), "layer_norm_backward");
}
