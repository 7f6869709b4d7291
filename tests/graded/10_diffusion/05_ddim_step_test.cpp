// Graded tests for exercise DdimStep. Golden: tests/fixtures/10_diffusion/samplers.wbt (Song et al. 2021's update in
// float64, a cosine schedule of 30 steps).
#include "chapters/10_diffusion/samplers.hpp"
#include "tests/graded/10_diffusion/common.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(DdimStep, DeterministicSkippingSteps, 3,
            "eta = 0: x_s = sqrt(alpha_bar_s) x0_hat + sqrt(1 - alpha_bar_s) eps, from t straight to s; s = -1 means alpha_bar = 1.") {
    const auto g = fixtures::load("10_diffusion", "samplers");
    const NoiseSchedule s = diffusion_tests::golden_schedule(g);
    EXPECT_TENSOR_NEAR(LEARNER(ddim_step(g["xt"], g["eps"], 29, 19, s, 0.0f, g["z"])), g["ddim_29_19_0.0"], tol::kForward)
        << "29 -> 19";
    EXPECT_TENSOR_NEAR(LEARNER(ddim_step(g["xt"], g["eps"], 5, -1, s, 0.0f, g["z"])), g["ddim_5_-1_0.0"], tol::kForward)
        << "5 -> the clean image";
}

GRADED_TEST(DdimStep, StochasticWithEta, 2,
            "sigma = eta sqrt((1 - abar_s) / (1 - abar_t)) sqrt(1 - abar_t / abar_s); the direction term shrinks to sqrt(1 - abar_s - sigma^2).") {
    const auto g = fixtures::load("10_diffusion", "samplers");
    const NoiseSchedule s = diffusion_tests::golden_schedule(g);
    EXPECT_TENSOR_NEAR(LEARNER(ddim_step(g["xt"], g["eps"], 12, 3, s, 0.5f, g["z"])), g["ddim_12_3_0.5"], tol::kForward)
        << "12 -> 3, eta 0.5";
    EXPECT_TENSOR_NEAR(LEARNER(ddim_step(g["xt"], g["eps"], 0, -1, s, 1.0f, g["z"])), g["ddim_0_-1_1.0"], tol::kForward)
        << "0 -> the clean image, eta 1";
}

GRADED_TEST(DdimStep, EtaOneIsDdpmsPosteriorStep, 2,
            "With eta = 1 and s = t - 1, sigma^2 is DDPM's posterior variance: the two samplers agree on the same noise.") {
    const auto g = fixtures::load("10_diffusion", "samplers");
    const NoiseSchedule s = diffusion_tests::golden_schedule(g);
    EXPECT_TENSOR_NEAR(LEARNER(ddim_step(g["xt"], g["eps"], 29, 28, s, 1.0f, g["z"])), g["ddim_29_28_1.0"], tol::kForward);
    EXPECT_TENSOR_NEAR(LEARNER(ddim_step(g["xt"], g["eps"], 29, 28, s, 1.0f, g["z"])), g["ddpm_posterior_29"], tol::kForward)
        << "DDPM's posterior step";
}

GRADED_TEST(DdimStep, BadInput, 1, "s must be below t (and at least -1), eta in [0, 1], the shapes equal.") {
    const auto g = fixtures::load("10_diffusion", "samplers");
    const NoiseSchedule s = diffusion_tests::golden_schedule(g);
    EXPECT_SHAPE_ERROR(ddim_step(g["xt"], g["eps"], 10, 10, s, 0.0f, g["z"]), "ddim_step");
    EXPECT_SHAPE_ERROR(ddim_step(g["xt"], g["eps"], 10, -2, s, 0.0f, g["z"]), "ddim_step");
    EXPECT_SHAPE_ERROR(ddim_step(g["xt"], g["eps"], 10, 5, s, 1.5f, g["z"]), "ddim_step");
    EXPECT_SHAPE_ERROR(ddim_step(g["xt"], g["eps"], 30, 5, s, 0.0f, g["z"]), "ddim_step");
}
