// Exercises NoiseSchedule and ForwardProcess. Contracts and math: schedule.hpp. Grade: ./wb grade 10
#include "chapters/10_diffusion/schedule.hpp"

namespace wb {

NoiseSchedule linear_schedule(int steps, double beta_start, double beta_end) {
    // TODO: betas evenly spaced from beta_start to beta_end (T = 1: beta_start alone); alphas = 1 - betas;
    //       alpha_bars = the running product of alphas, computed in double. Reject T < 1 or a beta outside (0, 1)
    //       (ShapeError naming "linear_schedule").
    // Worked example: T = 3, 0.1 to 0.3 -> betas [0.1, 0.2, 0.3], alpha_bars [0.9, 0.72, 0.504].
    throw NotImplemented("linear_schedule");
}

NoiseSchedule cosine_schedule(int steps, double offset, double max_beta) {
    // TODO: f(tau) = cos^2((tau + s) / (1 + s) * pi / 2); beta_t = min(1 - f((t + 1) / T) / f(t / T), max_beta) for
    //       t = 0 .. T-1; then alphas and alpha_bars as in linear_schedule.
    // Worked example: T = 1, s = 0 -> f(1) = 0, so beta_0 = min(1, max_beta) = max_beta.
    throw NotImplemented("cosine_schedule");
}

Tensor signal_to_noise(const NoiseSchedule& schedule) {
    // TODO: SNR_t = alpha_bar_t / (1 - alpha_bar_t).
    // Worked example: alpha_bar = 0.8 -> SNR = 4.
    throw NotImplemented("signal_to_noise");
}

Tensor add_noise(const Tensor& x0, const Tensor& noise, const Tensor& steps, const NoiseSchedule& schedule) {
    // TODO: per image n at its step t = steps[n]: x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) noise.
    //       Reject noise of another shape, steps not (N), or a step that is not an integer in [0, T).
    // Worked example: alpha_bar_t = 0.64, x0 = 1, noise = 1 -> 0.8 + 0.6 = 1.4.
    throw NotImplemented("add_noise");
}

Tensor v_target(const Tensor& x0, const Tensor& noise, const Tensor& steps, const NoiseSchedule& schedule) {
    // TODO: with a = sqrt(alpha_bar_t), sigma = sqrt(1 - alpha_bar_t): v = a noise - sigma x0.
    // Worked example: alpha_bar_t = 0.64, x0 = 1, noise = 1 -> 0.8 - 0.6 = 0.2.
    throw NotImplemented("v_target");
}

Tensor x0_from_epsilon(const Tensor& xt, const Tensor& epsilon, const Tensor& steps, const NoiseSchedule& schedule) {
    // TODO: x0 = (x_t - sigma epsilon) / a.
    // Worked example: alpha_bar_t = 0.64, x_t = 1.4, epsilon = 1 -> (1.4 - 0.6) / 0.8 = 1.
    throw NotImplemented("x0_from_epsilon");
}

Tensor x0_from_v(const Tensor& xt, const Tensor& v, const Tensor& steps, const NoiseSchedule& schedule) {
    // TODO: x0 = a x_t - sigma v.
    // Worked example: alpha_bar_t = 0.64, x_t = 1.4, v = 0.2 -> 1.12 - 0.12 = 1.
    throw NotImplemented("x0_from_v");
}

Tensor epsilon_from_v(const Tensor& xt, const Tensor& v, const Tensor& steps, const NoiseSchedule& schedule) {
    // TODO: epsilon = sigma x_t + a v.
    // Worked example: alpha_bar_t = 0.64, x_t = 1.4, v = 0.2 -> 0.84 + 0.16 = 1.
    throw NotImplemented("epsilon_from_v");
}

}  // namespace wb
