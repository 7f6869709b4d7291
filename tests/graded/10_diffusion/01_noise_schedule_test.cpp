// Graded tests for exercise NoiseSchedule. Golden: tests/fixtures/10_diffusion/schedules.wbt (the formulas in
// float64: Ho et al. 2020's linear schedule, Nichol and Dhariwal 2021's cosine as guided-diffusion writes it).
#include "chapters/10_diffusion/schedule.hpp"
#include "tests/graded/10_diffusion/common.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(NoiseSchedule, LinearByHand, 1, "betas evenly spaced from start to end; alpha_bar is the running product of 1 - beta.") {
    const NoiseSchedule s = LEARNER(linear_schedule(3, 0.1, 0.3));
    EXPECT_TENSOR_NEAR(s.betas, Tensor({3}, {0.1f, 0.2f, 0.3f}), tol::kExact) << "betas";
    EXPECT_TENSOR_NEAR(s.alphas, Tensor({3}, {0.9f, 0.8f, 0.7f}), tol::kExact) << "alphas";
    EXPECT_TENSOR_NEAR(s.alpha_bars, Tensor({3}, {0.9f, 0.72f, 0.504f}), tol::kExact) << "alpha_bars";
}

GRADED_TEST(NoiseSchedule, LinearMatchesDdpm, 2,
            "T = 1000 from 1e-4 to 0.02: the last alpha_bar is about 4e-5. Multiply a thousand factors in double.") {
    const auto g = fixtures::load("10_diffusion", "schedules");
    const NoiseSchedule s = LEARNER(linear_schedule(1000, 1e-4, 0.02));
    EXPECT_TENSOR_NEAR(s.betas, g["linear1000_betas"], tol::kForward) << "betas";
    EXPECT_TENSOR_NEAR(s.alpha_bars, g["linear1000_alpha_bars"], tol::kForward) << "alpha_bars";
    const NoiseSchedule short_one = LEARNER(linear_schedule(7, 0.05, 0.4));
    EXPECT_TENSOR_NEAR(short_one.alphas, g["linear7_alphas"], tol::kForward) << "alphas, T = 7";
    EXPECT_TENSOR_NEAR(short_one.alpha_bars, g["linear7_alpha_bars"], tol::kForward) << "alpha_bars, T = 7";
    EXPECT_TENSOR_NEAR(LEARNER(linear_schedule(1, 0.25, 0.5)).betas, Tensor({1}, {0.25f}), tol::kExact) << "T = 1";
}

GRADED_TEST(NoiseSchedule, CosineMatchesImprovedDdpm, 3,
            "beta_t = min(1 - f((t+1)/T) / f(t/T), max_beta), f(tau) = cos^2((tau + s) / (1 + s) * pi / 2); t runs 0 .. T-1.") {
    const auto g = fixtures::load("10_diffusion", "schedules");
    const NoiseSchedule s = LEARNER(cosine_schedule(1000));
    EXPECT_TENSOR_NEAR(s.betas, g["cosine1000_betas"], tol::kForward) << "betas";
    EXPECT_TENSOR_NEAR(s.alpha_bars, g["cosine1000_alpha_bars"], tol::kForward) << "alpha_bars";
    const NoiseSchedule ten = LEARNER(cosine_schedule(10));
    EXPECT_TENSOR_NEAR(ten.betas, g["cosine10_betas"], tol::kForward) << "betas, T = 10";
    EXPECT_TENSOR_NEAR(ten.alpha_bars, g["cosine10_alpha_bars"], tol::kForward) << "alpha_bars, T = 10";
}

GRADED_TEST(NoiseSchedule, CosineOffsetAndClipping, 1,
            "With s = 0, f(1) = 0: the last beta would be 1; it is clipped at max_beta. The offset is a parameter, not 0.008 always.") {
    const auto g = fixtures::load("10_diffusion", "schedules");
    const NoiseSchedule s = LEARNER(cosine_schedule(5, 0.0, 0.6));
    EXPECT_TENSOR_NEAR(s.betas, g["cosine5_s0_clip_betas"], tol::kForward) << "betas";
    EXPECT_TENSOR_NEAR(s.alpha_bars, g["cosine5_s0_clip_alpha_bars"], tol::kForward) << "alpha_bars";
}

GRADED_TEST(NoiseSchedule, SignalToNoise, 1, "SNR_t = alpha_bar_t / (1 - alpha_bar_t), from large at t = 0 to near 0 at the end.") {
    const auto g = fixtures::load("10_diffusion", "schedules");
    const NoiseSchedule linear = diffusion_tests::golden_schedule(g, "linear1000_");
    EXPECT_TENSOR_NEAR(LEARNER(signal_to_noise(linear)), g["linear1000_snr"], tol::kForward) << "linear";
    const NoiseSchedule cosine = diffusion_tests::golden_schedule(g, "cosine10_");
    EXPECT_TENSOR_NEAR(LEARNER(signal_to_noise(cosine)), g["cosine10_snr"], tol::kForward) << "cosine, T = 10";
}

GRADED_TEST(NoiseSchedule, BadInput, 1, "No steps, a beta outside (0, 1), a negative offset or max_beta 0 is an error.") {
    EXPECT_SHAPE_ERROR(linear_schedule(0), "linear_schedule");
    EXPECT_SHAPE_ERROR(linear_schedule(10, 1e-4, 1.5), "linear_schedule");
    EXPECT_SHAPE_ERROR(cosine_schedule(0), "cosine_schedule");
    EXPECT_SHAPE_ERROR(cosine_schedule(10, -0.1), "cosine_schedule");
    EXPECT_SHAPE_ERROR(cosine_schedule(10, 0.008, 0.0), "cosine_schedule");
}
