// Graded tests for exercise DdpmStep. Golden: tests/fixtures/10_diffusion/samplers.wbt (Ho et al. 2020's Algorithm 2
// in float64, a cosine schedule of 30 steps).
#include "chapters/10_diffusion/samplers.hpp"
#include "tests/graded/10_diffusion/common.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(DdpmStep, ByHandAtTheLastStep, 1, "mu = (x_t - beta_t / sqrt(1 - alpha_bar_t) eps) / sqrt(alpha_t); at t = 0 no noise is added.") {
    const NoiseSchedule s{Tensor({1}, {0.36f}), Tensor({1}, {0.64f}), Tensor({1}, {0.64f})};
    const Tensor x = LEARNER(ddpm_step(Tensor({1, 1}, {1.0f}), Tensor({1, 1}, {1.0f}), 0, s, Tensor({1, 1}, {5.0f})));
    // (1 - 0.36 / 0.6) / 0.8 = 0.5, and z = 5 must not enter
    EXPECT_TENSOR_NEAR(x, Tensor({1, 1}, {0.5f}), tol::kExact);
}

GRADED_TEST(DdpmStep, BetaVariance, 2, "sigma_t^2 = beta_t: x_{t-1} = mu + sqrt(beta_t) z, the same t for the whole batch.") {
    const auto g = fixtures::load("10_diffusion", "samplers");
    const NoiseSchedule s = diffusion_tests::golden_schedule(g);
    EXPECT_TENSOR_NEAR(LEARNER(ddpm_step(g["xt"], g["eps"], 29, s, g["z"], "beta")), g["ddpm_beta_29"], tol::kForward) << "t = 29";
    EXPECT_TENSOR_NEAR(LEARNER(ddpm_step(g["xt"], g["eps"], 12, s, g["z"], "beta")), g["ddpm_beta_12"], tol::kForward) << "t = 12";
    EXPECT_TENSOR_NEAR(LEARNER(ddpm_step(g["xt"], g["eps"], 0, s, g["z"], "beta")), g["ddpm_beta_0"], tol::kForward) << "t = 0";
}

GRADED_TEST(DdpmStep, PosteriorVariance, 2,
            "sigma_t^2 = (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) beta_t, the variance of q(x_{t-1} | x_t, x_0); alpha_bar_{-1} = 1.") {
    const auto g = fixtures::load("10_diffusion", "samplers");
    const NoiseSchedule s = diffusion_tests::golden_schedule(g);
    EXPECT_TENSOR_NEAR(LEARNER(ddpm_step(g["xt"], g["eps"], 29, s, g["z"], "posterior")), g["ddpm_posterior_29"], tol::kForward)
        << "t = 29";
    EXPECT_TENSOR_NEAR(LEARNER(ddpm_step(g["xt"], g["eps"], 12, s, g["z"], "posterior")), g["ddpm_posterior_12"], tol::kForward)
        << "t = 12";
}

GRADED_TEST(DdpmStep, BadInput, 1, "A step outside [0, T), an unknown variance or mismatched shapes is an error.") {
    const auto g = fixtures::load("10_diffusion", "samplers");
    const NoiseSchedule s = diffusion_tests::golden_schedule(g);
    EXPECT_SHAPE_ERROR(ddpm_step(g["xt"], g["eps"], 30, s, g["z"]), "ddpm_step");
    EXPECT_SHAPE_ERROR(ddpm_step(g["xt"], g["eps"], 3, s, g["z"], "learned"), "ddpm_step");
    EXPECT_SHAPE_ERROR(ddpm_step(g["xt"], Tensor({3, 8}), 3, s, g["z"]), "ddpm_step");
}
