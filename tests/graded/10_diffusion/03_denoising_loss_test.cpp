// Graded tests for exercise DenoisingLoss. Golden: tests/fixtures/10_diffusion/loss.wbt (float64; the loss's
// gradient by autograd).
#include <cmath>

#include "chapters/10_diffusion/loss.hpp"
#include "tests/graded/10_diffusion/common.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(DenoisingLoss, TargetsOfEachObjective, 2, "epsilon: the noise; x0: the clean image; v: a eps - sigma x0 at each image's step.") {
    const auto g = fixtures::load("10_diffusion", "loss");
    const NoiseSchedule s = diffusion_tests::golden_schedule(g);
    EXPECT_TENSOR_NEAR(LEARNER(training_target("epsilon", g["x0"], g["noise"], g["steps"], s)), g["noise"], tol::kExact) << "epsilon";
    EXPECT_TENSOR_NEAR(LEARNER(training_target("x0", g["x0"], g["noise"], g["steps"], s)), g["x0"], tol::kExact) << "x0";
    const Tensor v = LEARNER(training_target("v", g["x0"], g["noise"], g["steps"], s));
    const Tensor& abar = g["alpha_bars"];
    for (int n = 0; n < 4; ++n) {  // v = a eps - sigma x0, image by image
        const int t = static_cast<int>(g["steps"][n]);
        const float a = std::sqrt(abar[t]), sigma = std::sqrt(1.0f - abar[t]);
        for (int p = 0; p < 9; ++p)
            EXPECT_NEAR(v[n * 9 + p], a * g["noise"][n * 9 + p] - sigma * g["x0"][n * 9 + p], 1e-5f) << "v, image " << n;
    }
}

GRADED_TEST(DenoisingLoss, MinSnrWeights, 2,
            "In x0 space the weight is min(SNR, gamma); divide by SNR for epsilon, by SNR + 1 for v. Cap first, then divide.") {
    const auto g = fixtures::load("10_diffusion", "loss");
    const NoiseSchedule s = diffusion_tests::golden_schedule(g);
    EXPECT_TENSOR_NEAR(LEARNER(min_snr_weights("epsilon", g["steps"], s)), g["weights_epsilon"], tol::kForward) << "epsilon";
    EXPECT_TENSOR_NEAR(LEARNER(min_snr_weights("v", g["steps"], s)), g["weights_v"], tol::kForward) << "v";
    EXPECT_TENSOR_NEAR(LEARNER(min_snr_weights("x0", g["steps"], s)), g["weights_x0"], tol::kForward) << "x0";
    EXPECT_TENSOR_NEAR(LEARNER(min_snr_weights("epsilon", g["steps"], s, 1.0f)), g["weights_epsilon_gamma1"], tol::kForward)
        << "epsilon, gamma = 1";
}

GRADED_TEST(DenoisingLoss, WeightedLossAndGradient, 3,
            "Mean over each image's values, times its weight, then mean over images; the gradient is 2 w (pred - target) / (N P).") {
    const auto g = fixtures::load("10_diffusion", "loss");
    const DenoisingLoss l = LEARNER(denoising_loss(g["prediction"], g["target"], g["weights"]));
    EXPECT_NEAR(l.loss, g["loss"][0], 1e-5);
    EXPECT_TENSOR_NEAR(l.dprediction, g["dprediction"], tol::kBackward);
    const DenoisingLoss by_hand = LEARNER(denoising_loss(Tensor({1, 2}, {1, 3}), Tensor({1, 2}, {0, 0}), Tensor({1}, {2})));
    EXPECT_NEAR(by_hand.loss, 10.0, 1e-6);
    EXPECT_TENSOR_NEAR(by_hand.dprediction, Tensor({1, 2}, {2, 6}), tol::kExact);
}

GRADED_TEST(DenoisingLoss, BadInput, 1, "An unknown objective, gamma <= 0, or a target or weights of the wrong shape is an error.") {
    const auto g = fixtures::load("10_diffusion", "loss");
    const NoiseSchedule s = diffusion_tests::golden_schedule(g);
    EXPECT_SHAPE_ERROR(training_target("score", g["x0"], g["noise"], g["steps"], s), "training_target");
    EXPECT_SHAPE_ERROR(min_snr_weights("v", g["steps"], s, 0.0f), "min_snr_weights");
    EXPECT_SHAPE_ERROR(denoising_loss(g["prediction"], Tensor({4, 9}), g["weights"]), "denoising_loss");
    EXPECT_SHAPE_ERROR(denoising_loss(g["prediction"], g["target"], Tensor({3})), "denoising_loss");
}
