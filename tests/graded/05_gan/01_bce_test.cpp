// Graded tests for exercise BceWithLogits. Goldens: tests/fixtures/05_gan/bce.wbt (BCEWithLogitsLoss, float64).
#include <cmath>

#include "chapters/05_gan/gan_losses.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(BceWithLogits, MatchesTorch, 3,
            "l = max(z, 0) - z y + log(1 + e^-|z|), averaged; grad = (sigmoid(z) - y) / n. Soft labels in [0, 1] count too.") {
    const auto g = fixtures::load("05_gan", "bce");
    const LossResult r = LEARNER(bce_with_logits(g["logits"], g["targets"]));
    EXPECT_NEAR(r.loss, g.scalar("loss"), 1e-5 * std::abs(g.scalar("loss")));
    EXPECT_TENSOR_NEAR(r.grad, g["grad"], tol::kForward);
}

GRADED_TEST(BceWithLogits, ExtremeLogitsStayFinite, 2,
            "log(sigmoid(-1000)) is log(0) in float: use the max(z, 0) - z y + log1p(e^-|z|) form, which only takes e^-|z|.") {
    const LossResult r = LEARNER(bce_with_logits(Tensor({4, 1}, {-1000.0f, 1000.0f, -1000.0f, 1000.0f}),
                                         Tensor({4, 1}, {1.0f, 0.0f, 0.0f, 1.0f})));
    ASSERT_TRUE(std::isfinite(r.loss)) << "loss " << r.loss;
    EXPECT_NEAR(r.loss, 500.0, 1e-3) << "two confident mistakes of 1000 each, two exact hits, mean over 4";
    EXPECT_TENSOR_NEAR(r.grad, Tensor({4, 1}, {-0.25f, 0.25f, 0.0f, 0.0f}), tol::kExact);
}

GRADED_TEST(BceWithLogits, RejectsMismatchedShapes, 1, "logits and targets must have the same shape; name bce_with_logits.") {
    EXPECT_SHAPE_ERROR(bce_with_logits(Tensor({3, 1}), Tensor({1, 3})), "bce_with_logits");
    EXPECT_SHAPE_ERROR(bce_with_logits(Tensor({0, 1}), Tensor({0, 1})), "bce_with_logits");
}
