// Reference: the straight path of flow matching, its velocity, and an Euler step of the sampling ODE.
#include "chapters/10_diffusion/flow.hpp"

#include <string>

namespace wb {

Tensor flow_interpolate(const Tensor& x0, const Tensor& x1, const Tensor& times) {
    const char* op = "flow_interpolate";
    if (x0.shape() != x1.shape() || x0.rank() < 1) shape_mismatch(op, "x0", x0, "x1", x1, "must be (N, ...) of the same shape");
    const int N = x0.dim(0);
    require_shape(op, "times", times, {N});
    const std::size_t P = x0.size() / static_cast<std::size_t>(N);
    Tensor out(x0.shape());
    for (int n = 0; n < N; ++n) {
        const float t = times[n];
        if (!(t >= 0.0f && t <= 1.0f)) throw ShapeError(std::string(op) + ": time " + std::to_string(t) + " outside [0, 1]");
        // x_t = (1 - t) x0 + t x1
        for (std::size_t p = n * P; p < (n + 1) * P; ++p) out[p] = (1.0f - t) * x0[p] + t * x1[p];
    }
    return out;
}

Tensor flow_velocity(const Tensor& x0, const Tensor& x1) {
    if (x0.shape() != x1.shape()) shape_mismatch("flow_velocity", "x0", x0, "x1", x1, "must have the same shape");
    // v = d x_t / dt = x1 - x0
    Tensor v(x0.shape());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = x1[i] - x0[i];
    return v;
}

Tensor flow_euler_step(const Tensor& xt, const Tensor& velocity, float time, float next_time) {
    const char* op = "flow_euler_step";
    if (xt.shape() != velocity.shape()) shape_mismatch(op, "xt", xt, "velocity", velocity, "must have the same shape");
    if (!(time >= 0.0f && time <= 1.0f && next_time >= 0.0f && next_time <= time))
        throw ShapeError(std::string(op) + ": from t = " + std::to_string(time) + " to " + std::to_string(next_time) +
                         ": need 0 <= t_next <= t <= 1");
    // x_{t_next} = x_t + (t_next - t) v
    Tensor out(xt.shape());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = xt[i] + (next_time - time) * velocity[i];
    return out;
}

}  // namespace wb
