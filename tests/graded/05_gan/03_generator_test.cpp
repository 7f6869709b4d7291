// Graded tests for exercise GeneratorLoss. Goldens: tests/fixtures/05_gan/generator.wbt.
#include <cmath>

#include "chapters/05_gan/gan_losses.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(GeneratorLoss, BothFormsMatchTorch, 3,
            "saturating: mean(-softplus(z)), grad -sigmoid(z)/n; non-saturating: mean(softplus(-z)), grad (sigmoid(z) - 1)/n.") {
    const auto g = fixtures::load("05_gan", "generator");
    const LossResult sat = LEARNER(generator_loss(g["fake_logits"], GeneratorLoss::saturating));
    EXPECT_NEAR(sat.loss, g.scalar("saturating_loss"), 1e-5 * std::abs(g.scalar("saturating_loss"))) << "saturating";
    EXPECT_TENSOR_NEAR(sat.grad, g["saturating_grad"], tol::kForward) << "saturating";
    const LossResult non = LEARNER(generator_loss(g["fake_logits"], GeneratorLoss::non_saturating));
    EXPECT_NEAR(non.loss, g.scalar("non_saturating_loss"), 1e-5 * std::abs(g.scalar("non_saturating_loss"))) << "non-saturating";
    EXPECT_TENSOR_NEAR(non.grad, g["non_saturating_grad"], tol::kForward) << "non-saturating";
    EXPECT_TENSOR_NEAR(LEARNER(generator_loss(g["fake_logits"])).grad, g["non_saturating_grad"], tol::kForward)
        << "the default is the non-saturating loss";
}

// D(G(z)) near 0: D rejects the fakes, as early in training.
GRADED_TEST(GeneratorLoss, NonSaturatingKeepsTheGradientWhenDRejectsTheFakes, 2,
            "At z = -10, sigmoid(z) = 4.5e-5: the saturating gradient is that small, the non-saturating one is about -1/n.") {
    const Tensor rejected({4, 1}, -10.0f);
    const LossResult sat = LEARNER(generator_loss(rejected, GeneratorLoss::saturating));
    const LossResult non = LEARNER(generator_loss(rejected, GeneratorLoss::non_saturating));
    for (int i = 0; i < 4; ++i) {
        EXPECT_NEAR(sat.grad[i], -4.5398e-5f / 4, 1e-8) << "saturating: -sigmoid(-10) / n";
        EXPECT_NEAR(non.grad[i], (4.5398e-5f - 1.0f) / 4, 1e-6) << "non-saturating: (sigmoid(-10) - 1) / n";
    }
    EXPECT_GT(std::abs(non.grad[0]) / std::abs(sat.grad[0]), 2e4) << "the non-saturating gradient is 22,000 times larger";
    EXPECT_TRUE(std::isfinite(LEARNER(generator_loss(Tensor({1, 1}, -200.0f), GeneratorLoss::non_saturating)).loss))
        << "-log sigmoid(-200) must not overflow";
}

GRADED_TEST(GeneratorLoss, RejectsAnEmptyBatch, 1, "An empty batch has no mean; name generator_loss.") {
    EXPECT_SHAPE_ERROR(generator_loss(Tensor({0, 1})), "generator_loss");
}
