// Graded tests for exercise DiscriminatorLoss. Goldens: tests/fixtures/05_gan/discriminator.wbt.
#include "chapters/05_gan/gan_losses.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(DiscriminatorLoss, MatchesTorch, 3,
            "L_D = BCE(real_logits, 1) + BCE(fake_logits, 0), each a mean over its own batch; the gradients follow from each.") {
    const auto g = fixtures::load("05_gan", "discriminator");
    const DiscriminatorLossResult d = LEARNER(discriminator_loss(g["real_logits"], g["fake_logits"]));
    EXPECT_NEAR(d.loss, g.scalar("loss"), 1e-5 * g.scalar("loss"));
    EXPECT_TENSOR_NEAR(d.d_real, g["d_real"], tol::kForward) << "d_real";
    EXPECT_TENSOR_NEAR(d.d_fake, g["d_fake"], tol::kForward) << "d_fake";
    EXPECT_NEAR(d.real_accuracy, g.scalar("real_accuracy"), 1e-6);
    EXPECT_NEAR(d.fake_accuracy, g.scalar("fake_accuracy"), 1e-6);
}

GRADED_TEST(DiscriminatorLoss, AccuracyCountsOnlyConfidentAnswers, 1,
            "Real is right when its logit > 0, fake when its logit < 0; a logit of exactly 0 is wrong for both.") {
    const DiscriminatorLossResult d =
        LEARNER(discriminator_loss(Tensor({4, 1}, {0.0f, 2.0f, -1.0f, 3.0f}), Tensor({2, 1}, {0.0f, -5.0f})));
    EXPECT_DOUBLE_EQ(d.real_accuracy, 0.5);
    EXPECT_DOUBLE_EQ(d.fake_accuracy, 0.5);
}

GRADED_TEST(DiscriminatorLoss, RejectsEmptyBatches, 1, "An empty real or fake batch has no mean; name discriminator_loss.") {
    EXPECT_SHAPE_ERROR(discriminator_loss(Tensor({0, 1}), Tensor({2, 1})), "discriminator_loss");
    EXPECT_SHAPE_ERROR(discriminator_loss(Tensor({2, 1}), Tensor({0, 1})), "discriminator_loss");
}
