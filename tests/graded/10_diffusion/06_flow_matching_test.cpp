// Graded tests for exercise FlowMatching. Golden: tests/fixtures/10_diffusion/flow.wbt (float64).
#include "chapters/10_diffusion/flow.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(FlowMatching, PathAtEachImagesTime, 2, "x_t = (1 - t) x0 + t x1: data at t = 0, noise at t = 1, each image at its own t.") {
    const auto g = fixtures::load("10_diffusion", "flow");
    EXPECT_TENSOR_NEAR(LEARNER(flow_interpolate(g["x0"], g["x1"], g["times"])), g["xt"], tol::kForward);
}

GRADED_TEST(FlowMatching, VelocityPointsFromDataToNoise, 1, "v = dx_t/dt = x1 - x0, the same at every t (in this convention).") {
    const auto g = fixtures::load("10_diffusion", "flow");
    EXPECT_TENSOR_NEAR(LEARNER(flow_velocity(g["x0"], g["x1"])), g["v"], tol::kForward);
}

GRADED_TEST(FlowMatching, EulerStepAndOneStepOnAStraightPath, 2,
            "x_next = x_t + (t_next - t) v: t_next < t, so the step goes against v. With the true v, one step lands on x0.") {
    const auto g = fixtures::load("10_diffusion", "flow");
    EXPECT_TENSOR_NEAR(LEARNER(flow_euler_step(g["xt"], g["v_hat"], 0.75f, 0.25f)), g["euler_075_to_025"], tol::kForward);
    // the straight path from x1 at t = 1: one step of the exact velocity reaches x0
    EXPECT_TENSOR_NEAR(LEARNER(flow_euler_step(g["x1"], g["v"], 1.0f, 0.0f)), g["x0"], tol::kForward) << "one step, t = 1 -> 0";
}

GRADED_TEST(FlowMatching, BadInput, 1, "Times outside [0, 1], a step forward in time, or mismatched shapes is an error.") {
    const auto g = fixtures::load("10_diffusion", "flow");
    EXPECT_SHAPE_ERROR(flow_interpolate(g["x0"], g["x1"], Tensor({4}, {0.0f, 1.5f, 0.2f, 0.3f})), "flow_interpolate");
    EXPECT_SHAPE_ERROR(flow_interpolate(g["x0"], g["x1"], Tensor({3})), "flow_interpolate");
    EXPECT_SHAPE_ERROR(flow_velocity(g["x0"], Tensor({4, 3})), "flow_velocity");
    EXPECT_SHAPE_ERROR(flow_euler_step(g["xt"], g["v_hat"], 0.25f, 0.75f), "flow_euler_step");
}
