// Reference: one DDPM ancestral step and one DDIM step.
#include "chapters/10_diffusion/samplers.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace wb {
namespace {

void require_same(const char* op, const Tensor& xt, const Tensor& epsilon, const Tensor& noise) {
    if (epsilon.shape() != xt.shape()) shape_mismatch(op, "xt", xt, "epsilon", epsilon, "must have the same shape");
    if (noise.shape() != xt.shape()) shape_mismatch(op, "xt", xt, "noise", noise, "must have the same shape");
}

}  // namespace

Tensor ddpm_step(const Tensor& xt, const Tensor& epsilon, int step, const NoiseSchedule& schedule, const Tensor& noise,
                 const std::string& variance) {
    const char* op = "ddpm_step";
    require_same(op, xt, epsilon, noise);
    const int T = schedule.betas.dim(0);
    if (step < 0 || step >= T) throw ShapeError(std::string(op) + ": step " + std::to_string(step) + " outside [0, " + std::to_string(T) + ")");
    if (variance != "beta" && variance != "posterior")
        throw ShapeError(std::string(op) + ": variance '" + variance + "' is neither beta nor posterior");
    const double beta = schedule.betas[step], alpha = schedule.alphas[step], abar = schedule.alpha_bars[step];
    const double abar_previous = step > 0 ? schedule.alpha_bars[step - 1] : 1.0;
    // sigma^2 = beta_t, or the posterior's (1 - abar_{t-1}) / (1 - abar_t) beta_t; no noise at the last step
    const double var = variance == "beta" ? beta : (1.0 - abar_previous) / (1.0 - abar) * beta;
    const double sigma = step > 0 ? std::sqrt(var) : 0.0;
    // mu = (x_t - beta_t / sqrt(1 - abar_t) eps) / sqrt(alpha_t);  x_{t-1} = mu + sigma z
    const double eps_scale = beta / std::sqrt(1.0 - abar), mean_scale = 1.0 / std::sqrt(alpha);
    Tensor out(xt.shape());
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<float>(mean_scale * (xt[i] - eps_scale * epsilon[i]) + sigma * noise[i]);
    return out;
}

Tensor ddim_step(const Tensor& xt, const Tensor& epsilon, int step, int previous, const NoiseSchedule& schedule,
                 float eta, const Tensor& noise) {
    const char* op = "ddim_step";
    require_same(op, xt, epsilon, noise);
    const int T = schedule.alpha_bars.dim(0);
    if (step < 0 || step >= T || previous < -1 || previous >= step || !(eta >= 0.0f && eta <= 1.0f))
        throw ShapeError(std::string(op) + ": steps " + std::to_string(step) + " -> " + std::to_string(previous) +
                         " and eta " + std::to_string(eta) + ": need 0 <= t < T, -1 <= s < t, eta in [0, 1]");
    const double abar = schedule.alpha_bars[step], abar_s = previous >= 0 ? schedule.alpha_bars[previous] : 1.0;
    // sigma = eta sqrt((1 - abar_s) / (1 - abar_t)) sqrt(1 - abar_t / abar_s)
    const double sigma = eta * std::sqrt((1.0 - abar_s) / (1.0 - abar)) * std::sqrt(1.0 - abar / abar_s);
    const double direction = std::sqrt(std::max(0.0, 1.0 - abar_s - sigma * sigma));
    Tensor out(xt.shape());
    for (std::size_t i = 0; i < out.size(); ++i) {
        // x0_hat = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t);  x_s = sqrt(abar_s) x0_hat + direction eps + sigma z
        const double x0_hat = (xt[i] - std::sqrt(1.0 - abar) * epsilon[i]) / std::sqrt(abar);
        out[i] = static_cast<float>(std::sqrt(abar_s) * x0_hat + direction * epsilon[i] + sigma * noise[i]);
    }
    return out;
}

}  // namespace wb
