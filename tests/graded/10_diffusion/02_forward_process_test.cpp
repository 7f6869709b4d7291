// Graded tests for exercise ForwardProcess. Golden: tests/fixtures/10_diffusion/forward.wbt (the closed forms in
// float64, a cosine schedule of 50 steps, five images at steps 0, 49, 7, 25 and 7).
#include "chapters/10_diffusion/schedule.hpp"
#include "tests/graded/10_diffusion/common.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(ForwardProcess, AddNoiseByHand, 1, "x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) noise, with each image's own t.") {
    const NoiseSchedule s{Tensor({2}, {0.5f, 0.25f}), Tensor({2}, {0.5f, 0.75f}), Tensor({2}, {0.64f, 0.36f})};
    const Tensor xt = LEARNER(add_noise(Tensor({2, 2}, {1, 2, 1, 2}), Tensor({2, 2}, {1, -1, 1, -1}), Tensor({2}, {0, 1}), s));
    // image 0 at t = 0: 0.8 x0 + 0.6 noise; image 1 at t = 1: 0.6 x0 + 0.8 noise
    EXPECT_TENSOR_NEAR(xt, Tensor({2, 2}, {1.4f, 1.0f, 1.4f, 0.4f}), tol::kExact);
}

GRADED_TEST(ForwardProcess, AddNoiseAtEachImagesStep, 2,
            "Look alpha_bar up at each image's own step (steps[n]), not one t for the batch; steps 0 and T-1 are both valid.") {
    const auto g = fixtures::load("10_diffusion", "forward");
    const NoiseSchedule s = diffusion_tests::golden_schedule(g);
    EXPECT_TENSOR_NEAR(LEARNER(add_noise(g["x0"], g["noise"], g["steps"], s)), g["xt"], tol::kForward);
}

GRADED_TEST(ForwardProcess, VelocityTarget, 2, "v = sqrt(alpha_bar) noise - sqrt(1 - alpha_bar) x0 (Salimans and Ho): the sign sits on x0.") {
    const auto g = fixtures::load("10_diffusion", "forward");
    const NoiseSchedule s = diffusion_tests::golden_schedule(g);
    EXPECT_TENSOR_NEAR(LEARNER(v_target(g["x0"], g["noise"], g["steps"], s)), g["v"], tol::kForward);
}

GRADED_TEST(ForwardProcess, ConversionsBetweenTargets, 3,
            "Solve x_t = a x0 + sigma eps and v = a eps - sigma x0 for what you need, using a^2 + sigma^2 = 1.") {
    const auto g = fixtures::load("10_diffusion", "forward");
    const NoiseSchedule s = diffusion_tests::golden_schedule(g);
    EXPECT_TENSOR_NEAR(LEARNER(x0_from_epsilon(g["xt"], g["eps_hat"], g["steps"], s)), g["x0_from_eps"], tol::kForward)
        << "x0_from_epsilon";
    EXPECT_TENSOR_NEAR(LEARNER(x0_from_v(g["xt"], g["v_hat"], g["steps"], s)), g["x0_from_v"], tol::kForward) << "x0_from_v";
    EXPECT_TENSOR_NEAR(LEARNER(epsilon_from_v(g["xt"], g["v_hat"], g["steps"], s)), g["eps_from_v"], tol::kForward)
        << "epsilon_from_v";
}

GRADED_TEST(ForwardProcess, BadStepsAndShapes, 1,
            "A step must be an integer in [0, T), one per image; noise must have the shape of x0.") {
    const auto g = fixtures::load("10_diffusion", "forward");
    const NoiseSchedule s = diffusion_tests::golden_schedule(g);
    EXPECT_SHAPE_ERROR(add_noise(g["x0"], g["noise"], Tensor({5}, {0, 1, 2, 3, 50}), s), "add_noise");
    EXPECT_SHAPE_ERROR(add_noise(g["x0"], g["noise"], Tensor({5}, {0, 1, 2.5f, 3, 4}), s), "add_noise");
    EXPECT_SHAPE_ERROR(add_noise(g["x0"], g["noise"], Tensor({4}, {0, 1, 2, 3}), s), "add_noise");
    EXPECT_SHAPE_ERROR(add_noise(g["x0"], Tensor({5, 2, 3, 2}), g["steps"], s), "add_noise");
    EXPECT_SHAPE_ERROR(v_target(g["x0"], g["noise"], Tensor({5}, {0, 1, 2, 3, -1}), s), "v_target");
}
