// Graded tests for exercise GeluTanh. Golden: tests/fixtures/09_transformer/gelu.wbt (F.gelu(approximate="tanh"),
// float64 autograd).
#include "chapters/09_transformer/ffn.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/gradient_check.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(GeluTanh, ByHand, 1, "0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).") {
    EXPECT_TENSOR_NEAR(LEARNER(gelu_tanh_forward(Tensor({3}, {0.0f, 1.0f, -1.0f}))), Tensor({3}, {0.0f, 0.84119199f, -0.15880801f}),
                       tol::kForward);
}

GRADED_TEST(GeluTanh, MatchesPyTorch, 1, "The cubic term is 0.044715 x^3 inside the tanh, scaled by sqrt(2/pi) with it.") {
    const auto g = fixtures::load("09_transformer", "gelu");
    EXPECT_TENSOR_NEAR(LEARNER(gelu_tanh_forward(g["x"])), g["y"], tol::kForward);
}

GRADED_TEST(GeluTanh, BackwardMatchesAutograd, 2, "d/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 * 0.044715 x^2), t the tanh.") {
    const auto g = fixtures::load("09_transformer", "gelu");
    EXPECT_TENSOR_NEAR(LEARNER(gelu_tanh_backward(g["dout"], g["x"])), g["dx"], tol::kBackward);
}

GRADED_TEST(GeluTanh, GradientCheckAndShapes, 1, "Numerical and analytic gradients disagree, or dout's shape was not checked.") {
    Rng rng(95);
    const Tensor x = Tensor::randn({2, 5}, rng, 2.0f), dout = Tensor::randn({2, 5}, rng);
    const Tensor dx = LEARNER(gelu_tanh_backward(dout, x));
    gradients::expect_gradient_check("dx", [&](const Tensor& v) { return gradients::dot(LEARNER(gelu_tanh_forward(v)), dout); }, x, dx);
    EXPECT_SHAPE_ERROR(gelu_tanh_backward(Tensor({2, 4}), Tensor({2, 5})), "gelu_tanh_backward");
}
