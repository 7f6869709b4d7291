// Reference: the linear and cosine noise schedules, the SNR, the forward process in closed form and the targets.
#include "chapters/10_diffusion/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace wb {
namespace {

/// alphas = 1 - betas and alpha_bars = their running product, in double: a product of a thousand factors.
NoiseSchedule from_betas(const std::vector<double>& betas) {
    const int T = static_cast<int>(betas.size());
    NoiseSchedule s{Tensor({T}), Tensor({T}), Tensor({T})};
    double product = 1.0;
    for (int t = 0; t < T; ++t) {
        product *= 1.0 - betas[t];
        s.betas[t] = static_cast<float>(betas[t]);
        s.alphas[t] = static_cast<float>(1.0 - betas[t]);
        s.alpha_bars[t] = static_cast<float>(product);
    }
    return s;
}

/// The schedule's alpha_bar at each image's step: (N) floats holding integers in [0, T).
std::vector<double> alpha_bars_at(const char* op, const Tensor& x, const Tensor& steps, const NoiseSchedule& schedule) {
    const int N = x.rank() > 0 ? x.dim(0) : 0, T = schedule.alpha_bars.dim(0);
    require_shape(op, "steps", steps, {N});
    std::vector<double> at(static_cast<std::size_t>(N));
    for (int n = 0; n < N; ++n) {
        const float t = steps[static_cast<std::size_t>(n)];
        if (!(t >= 0.0f && t < static_cast<float>(T)) || t != std::floor(t))
            throw ShapeError(std::string(op) + ": step " + std::to_string(t) + " of image " + std::to_string(n) +
                             " is not an integer in [0, " + std::to_string(T) + ")");
        at[static_cast<std::size_t>(n)] = schedule.alpha_bars[static_cast<std::size_t>(t)];
    }
    return at;
}

/// out = c1(abar) * a + c2(abar) * b, image by image, for the closed forms below.
template <typename Coefficients>
Tensor combine(const char* op, const Tensor& a, const Tensor& b, const Tensor& steps, const NoiseSchedule& schedule,
               Coefficients coefficients) {
    if (a.shape() != b.shape()) shape_mismatch(op, "first", a, "second", b, "both must have the same shape");
    const std::vector<double> abar = alpha_bars_at(op, a, steps, schedule);
    Tensor out(a.shape());
    const std::size_t per_image = abar.empty() ? 0 : a.size() / abar.size();
    for (std::size_t n = 0; n < abar.size(); ++n) {
        const auto [c1, c2] = coefficients(std::sqrt(abar[n]), std::sqrt(1.0 - abar[n]));
        for (std::size_t i = n * per_image; i < (n + 1) * per_image; ++i)
            out[i] = static_cast<float>(c1 * a[i] + c2 * b[i]);
    }
    return out;
}

}  // namespace

NoiseSchedule linear_schedule(int steps, double beta_start, double beta_end) {
    if (steps < 1 || !(beta_start > 0 && beta_start < 1) || !(beta_end > 0 && beta_end < 1))
        throw ShapeError("linear_schedule: T = " + std::to_string(steps) + " must be >= 1 and both betas in (0, 1)");
    // beta_t = beta_start + (beta_end - beta_start) t / (T - 1)
    std::vector<double> betas(static_cast<std::size_t>(steps));
    for (int t = 0; t < steps; ++t)
        betas[t] = steps == 1 ? beta_start : beta_start + (beta_end - beta_start) * t / (steps - 1);
    return from_betas(betas);
}

NoiseSchedule cosine_schedule(int steps, double offset, double max_beta) {
    if (steps < 1 || offset < 0 || !(max_beta > 0 && max_beta <= 1))
        throw ShapeError("cosine_schedule: T = " + std::to_string(steps) + " must be >= 1, s >= 0 and max_beta in (0, 1]");
    // f(tau) = cos^2((tau + s) / (1 + s) * pi / 2);  beta_t = min(1 - f((t + 1) / T) / f(t / T), max_beta)
    const auto f = [&](double tau) {
        const double c = std::cos((tau + offset) / (1.0 + offset) * std::numbers::pi / 2.0);
        return c * c;
    };
    std::vector<double> betas(static_cast<std::size_t>(steps));
    for (int t = 0; t < steps; ++t)
        betas[t] = std::min(1.0 - f(static_cast<double>(t + 1) / steps) / f(static_cast<double>(t) / steps), max_beta);
    return from_betas(betas);
}

Tensor signal_to_noise(const NoiseSchedule& schedule) {
    // SNR_t = abar_t / (1 - abar_t)
    Tensor snr(schedule.alpha_bars.shape());
    for (std::size_t t = 0; t < snr.size(); ++t) {
        const double abar = schedule.alpha_bars[t];
        snr[t] = static_cast<float>(abar / (1.0 - abar));
    }
    return snr;
}

Tensor add_noise(const Tensor& x0, const Tensor& noise, const Tensor& steps, const NoiseSchedule& schedule) {
    // x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps
    return combine("add_noise", x0, noise, steps, schedule, [](double a, double sigma) { return std::pair{a, sigma}; });
}

Tensor v_target(const Tensor& x0, const Tensor& noise, const Tensor& steps, const NoiseSchedule& schedule) {
    // v = a eps - sigma x0
    return combine("v_target", x0, noise, steps, schedule, [](double a, double sigma) { return std::pair{-sigma, a}; });
}

Tensor x0_from_epsilon(const Tensor& xt, const Tensor& epsilon, const Tensor& steps, const NoiseSchedule& schedule) {
    // x0 = (x_t - sigma eps) / a
    return combine("x0_from_epsilon", xt, epsilon, steps, schedule,
                   [](double a, double sigma) { return std::pair{1.0 / a, -sigma / a}; });
}

Tensor x0_from_v(const Tensor& xt, const Tensor& v, const Tensor& steps, const NoiseSchedule& schedule) {
    // x0 = a x_t - sigma v
    return combine("x0_from_v", xt, v, steps, schedule, [](double a, double sigma) { return std::pair{a, -sigma}; });
}

Tensor epsilon_from_v(const Tensor& xt, const Tensor& v, const Tensor& steps, const NoiseSchedule& schedule) {
    // eps = sigma x_t + a v
    return combine("epsilon_from_v", xt, v, steps, schedule, [](double a, double sigma) { return std::pair{sigma, a}; });
}

}  // namespace wb
