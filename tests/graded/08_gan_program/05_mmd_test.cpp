// Graded tests for exercise MmdLoss. Goldens: tests/fixtures/08_gan_program/mmd_*.wbt (the definition in float64,
// autograd).
#include <algorithm>
#include <cmath>
#include <vector>

#include "chapters/08_gan_program/mmd.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/gradient_check.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

// The loss within 1e-5 (+ 1e-4 relative), every gradient value within 1e-4 of the golden's largest. The rows
// go in shaped as given, or (for images) as the program passes them: samples (N, 1, 28, 28), targets (M, 28, 28).
static void expect_mmd_matches(const char* fixture, bool as_images = false) {
    const auto g = fixtures::load("08_gan_program", fixture);
    const Tensor& h = g["bandwidths"];
    Tensor samples = g["samples"], targets = g["targets"];
    if (as_images) samples.reshape({samples.dim(0), 1, 28, 28}), targets.reshape({targets.dim(0), 28, 28});
    const LossResult r = LEARNER(mmd_loss(samples, targets, std::vector<float>(h.begin(), h.end())));
    const double expected = EXPECTED(g.scalar("loss"));
    EXPECT_NEAR(r.loss, expected, 1e-5 + 1e-4 * std::abs(expected)) << "MMD^2";
    ASSERT_EQ(r.grad.shape(), samples.shape()) << "grad has the samples' shape";
    const Tensor grad = EXPECTED(g["grad"].reshaped(samples.shape()));  // empty in the learner's process
    float largest = 0;
    for (const float v : grad) largest = std::max(largest, std::abs(v));
    for (std::size_t i = 0; i < grad.size(); ++i)
        ASSERT_NEAR(r.grad[i], grad[i], 1e-4f * largest) << "grad[" << i << "] (row " << i / (grad.size() / samples.dim(0)) << ")";
}

GRADED_TEST(MmdLoss, MatchesItsDefinitionInTorch, 2,
            "Three sums of k over pairs: samples with samples and targets with targets leave out i = j, each divided by its "
            "number of pairs; the cross sum counts every pair, times -2 / (N M).") {
    expect_mmd_matches("mmd_small");
}

GRADED_TEST(MmdLoss, MatchesTorchOnImages, 1,
            "Images (N, 1, 28, 28) against (M, 28, 28): a row is everything after the first dimension, P = size / N = 784 "
            "values, and d2 is |a - b|^2 divided by P, so the bandwidths mean the same for any image size.") {
    expect_mmd_matches("mmd_images", /*as_images=*/true);
}

GRADED_TEST(MmdLoss, WorkedExampleAndGradientCheck, 1,
            "{0, 1} against {0, 1}, P = 1, h = 1: loss e^-1 - 1 (the unbiased estimate can go below 0), grad {e^-1, -e^-1}. "
            "Each sample pair appears twice in the first sum.") {
    const double e = std::exp(-1.0);
    const LossResult r = LEARNER(mmd_loss(Tensor({2, 1}, {0, 1}), Tensor({2, 1}, {0, 1}), {1.0f}));
    EXPECT_NEAR(r.loss, e - 1.0, 1e-6);
    EXPECT_NEAR(r.grad[0], e, 1e-6);
    EXPECT_NEAR(r.grad[1], -e, 1e-6);
    Rng rng(58);
    const Tensor targets = Tensor::randn({9, 4}, rng), samples = Tensor::randn({7, 4}, rng, 0.8f);
    const std::vector<float> bandwidths{0.5f, 2.0f};
    gradients::expect_gradient_check("grad", [&](const Tensor& s) { return LEARNER(mmd_loss(s, targets, bandwidths)).loss; },
                                     samples, LEARNER(mmd_loss(samples, targets, bandwidths)).grad);
}

// Two modes, 8 targets at each; samples as spread inside each mode but split 14 / 2 instead of 8 / 8.
GRADED_TEST(MmdLoss, SeesAMixThatIsWrong, 1,
            "A set with the right modes in the wrong proportions must score clearly higher than the right mix: the sample "
            "pairs inside the crowded mode add k near 1 each.") {
    Rng rng(59);
    auto two_modes = [&](int at_right, int at_left) {
        Tensor x({at_right + at_left, 2});
        for (int n = 0; n < x.dim(0); ++n) {
            x(n, 0) = (n < at_right ? 2.0f : -2.0f) + 0.1f * rng.normal();
            x(n, 1) = 0.1f * rng.normal();
        }
        return x;
    };
    const Tensor targets = two_modes(8, 8), balanced = two_modes(8, 8), crowded = two_modes(14, 2);
    const double right_mix = LEARNER(mmd_loss(balanced, targets, {1.0f})).loss, wrong_mix = LEARNER(mmd_loss(crowded, targets, {1.0f})).loss;
    EXPECT_LT(std::abs(right_mix), 0.1) << "the right mix";
    EXPECT_GT(wrong_mix, right_mix + 0.2) << "14 / 2 against 8 / 8 (about 0.23 against -0.07)";
}

GRADED_TEST(MmdLoss, RefusesSetsItCannotCompare, 1,
            "At least 2 rows in each set (the sums over i != j need pairs), rows of the same size, positive bandwidths; "
            "name mmd_loss.") {
    EXPECT_SHAPE_ERROR(mmd_loss(Tensor({1, 3}), Tensor({4, 3}), {1.0f}), "mmd_loss");
    EXPECT_SHAPE_ERROR(mmd_loss(Tensor({4, 3}), Tensor({1, 3}), {1.0f}), "mmd_loss");
    EXPECT_SHAPE_ERROR(mmd_loss(Tensor({4, 3}), Tensor({4, 2}), {1.0f}), "mmd_loss");
    EXPECT_SHAPE_ERROR(mmd_loss(Tensor({4, 3}), Tensor({4, 3}), {}), "mmd_loss");
    EXPECT_SHAPE_ERROR(mmd_loss(Tensor({4, 3}), Tensor({4, 3}), {1.0f, 0.0f}), "mmd_loss");
    EXPECT_SHAPE_ERROR(mmd_loss(Tensor({4, 3}), Tensor({4, 3}), {-1.0f}), "mmd_loss");
}
