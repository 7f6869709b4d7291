// Exercise FlowMatching. Contracts and math: flow.hpp. Grade: ./wb grade 10
#include "chapters/10_diffusion/flow.hpp"

namespace wb {

Tensor flow_interpolate(const Tensor& x0, const Tensor& x1, const Tensor& times) {
    // TODO: per image n at its time t = times[n]: x_t = (1 - t) x0 + t x1. Reject mismatched shapes, times not (N),
    //       or a time outside [0, 1] (ShapeError naming "flow_interpolate").
    // Worked example: x0 = 2, x1 = -2, t = 0.25 -> 1.5 - 0.5 = 1.
    throw NotImplemented("flow_interpolate");
}

Tensor flow_velocity(const Tensor& x0, const Tensor& x1) {
    // TODO: v = x1 - x0, the same at every t. Reject mismatched shapes.
    // Worked example: x0 = 2, x1 = -2 -> v = -4.
    throw NotImplemented("flow_velocity");
}

Tensor flow_euler_step(const Tensor& xt, const Tensor& velocity, float time, float next_time) {
    // TODO: x_next = x_t + (t_next - t) v. Reject mismatched shapes, or times not 0 <= t_next <= t <= 1.
    // Worked example: x_t = 1, v = -4, from t = 0.25 to 0 -> 1 + 1 = 2, back at x0.
    throw NotImplemented("flow_euler_step");
}

}  // namespace wb
