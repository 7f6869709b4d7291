/// @file schedule.hpp
/// Exercises **NoiseSchedule** and **ForwardProcess**: how much noise each step of a diffusion model adds, and the
/// noisy image and training targets at any step in one shot.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// A discrete noise schedule of T steps, indexed t = 0 .. T-1 (diffusers' convention; Ho et al. count 1 .. T).
struct NoiseSchedule {
    Tensor betas;       ///< (T): the variance step t adds, \f$\beta_t\f$
    Tensor alphas;      ///< (T): \f$\alpha_t = 1 - \beta_t\f$
    Tensor alpha_bars;  ///< (T): \f$\bar\alpha_t = \prod_{s \le t} \alpha_s\f$, the signal's share of the variance at t
};

/// The linear schedule of DDPM (Ho et al., 2020): \f$\beta_t\f$ evenly spaced from beta_start (t = 0) to beta_end
/// (t = T-1), as torch.linspace(beta_start, beta_end, T) and diffusers' "linear" beta_schedule.
/// Ho et al. use T = 1000, 1e-4 and 0.02: \f$\bar\alpha_{T-1} \approx 4 \cdot 10^{-5}\f$, nearly pure noise at the end
/// (an SNR of about 4e-5, not zero: Lin et al., 2024, rescale schedules to reach zero).
/// @param steps T >= 1 (T = 1 gives beta_start alone)
/// @param beta_start \f$\beta_0\f$, in (0, 1)
/// @param beta_end \f$\beta_{T-1}\f$, in (0, 1)
/// @throws ShapeError naming "linear_schedule" if T < 1 or a beta is outside (0, 1).
NoiseSchedule linear_schedule(int steps, double beta_start = 1e-4, double beta_end = 0.02);

/// The cosine schedule of Improved DDPM (Nichol and Dhariwal, 2021), defined by its \f$\bar\alpha\f$:
/// \f[ f(\tau) = \cos^2\!\Big(\frac{\tau + s}{1 + s} \cdot \frac{\pi}{2}\Big), \qquad
///     \beta_t = \min\Big(1 - \frac{f((t+1)/T)}{f(t/T)},\; \beta_{\max}\Big) \f]
/// then \f$\alpha_t = 1 - \beta_t\f$ and \f$\bar\alpha_t = \prod_{s \le t} \alpha_s\f$ (as guided-diffusion's and
/// diffusers' betas_for_alpha_bar). The offset s keeps \f$\beta_0\f$ from being tiny; the clipping at
/// \f$\beta_{\max}\f$ = 0.999 keeps the last steps from being singular (f reaches 0 at \f$\tau = 1\f$). Its
/// \f$\bar\alpha\f$ falls slowly at both ends, where the linear one wastes steps on nearly pure noise.
/// @param steps T >= 1
/// @param offset s >= 0 (0.008 in the paper)
/// @param max_beta \f$\beta_{\max}\f$, in (0, 1]
/// @throws ShapeError naming "cosine_schedule" if T < 1, s < 0 or max_beta is outside (0, 1].
NoiseSchedule cosine_schedule(int steps, double offset = 0.008, double max_beta = 0.999);

/// The signal-to-noise ratio of each step, \f$\mathrm{SNR}_t = \bar\alpha_t / (1 - \bar\alpha_t)\f$ (Kingma et al.,
/// 2021): it falls monotonically from large to near 0, and the weightings of the losses (min-SNR, v-prediction) are
/// functions of it.
/// @param schedule any schedule
/// @return (T)
Tensor signal_to_noise(const NoiseSchedule& schedule);

/// The forward process in closed form (Ho et al., 2020, eq. 4): a noisy image at step t without walking t steps,
/// \f[ x_t = \sqrt{\bar\alpha_t}\, x_0 + \sqrt{1-\bar\alpha_t}\, \epsilon, \qquad \epsilon \sim \mathcal N(0, I) \f]
/// with its own t for every image of the batch (training draws t per image).
/// @param x0 (N, ...) clean images
/// @param noise epsilon, the shape of x0
/// @param steps (N), each image's t as a float holding an integer in [0, T)
/// @param schedule its alpha_bars
/// @return x_t, the shape of x0
/// @throws ShapeError naming "add_noise" if noise differs from x0 in shape, steps is not (N), or a step is outside
/// [0, T) or not an integer.
Tensor add_noise(const Tensor& x0, const Tensor& noise, const Tensor& steps, const NoiseSchedule& schedule);

/// The v (velocity) target of Salimans and Ho (2022), per image at its step t, with \f$a = \sqrt{\bar\alpha_t}\f$ and
/// \f$\sigma = \sqrt{1-\bar\alpha_t}\f$ (so \f$a^2 + \sigma^2 = 1\f$ and \f$x_t = a x_0 + \sigma\epsilon\f$):
/// \f[ v = a\,\epsilon - \sigma\, x_0 \f]
/// The three targets carry the same information; with x_t known, each gives the other two:
/// \f[ \hat x_0 = \frac{x_t - \sigma\hat\epsilon}{a}, \qquad \hat x_0 = a\,x_t - \sigma\,\hat v, \qquad
///     \hat\epsilon = \sigma\,x_t + a\,\hat v \f]
/// (v_target, x0_from_epsilon, x0_from_v, epsilon_from_v). Predicting epsilon divides by a, which is near 0 at the
/// noisiest steps; v stays well scaled at both ends.
/// @param x0 (N, ...) clean images
/// @param noise epsilon, the shape of x0
/// @param steps (N) as in add_noise
/// @param schedule its alpha_bars
/// @return v, the shape of x0
/// @throws ShapeError naming the function (as add_noise checks) on mismatched shapes or a bad step.
Tensor v_target(const Tensor& x0, const Tensor& noise, const Tensor& steps, const NoiseSchedule& schedule);

/// \f$\hat x_0 = (x_t - \sigma\hat\epsilon)/a\f$ per image: the clean image a predicted noise implies.
/// @param xt (N, ...) noisy images
/// @param epsilon (N, ...) predicted noise
/// @param steps (N) as in add_noise
/// @param schedule its alpha_bars
/// @throws ShapeError naming "x0_from_epsilon" on mismatched shapes or a bad step.
Tensor x0_from_epsilon(const Tensor& xt, const Tensor& epsilon, const Tensor& steps, const NoiseSchedule& schedule);

/// \f$\hat x_0 = a\,x_t - \sigma\hat v\f$ per image.
/// @param xt (N, ...) noisy images
/// @param v (N, ...) predicted velocity
/// @param steps (N) as in add_noise
/// @param schedule its alpha_bars
/// @throws ShapeError naming "x0_from_v" on mismatched shapes or a bad step.
Tensor x0_from_v(const Tensor& xt, const Tensor& v, const Tensor& steps, const NoiseSchedule& schedule);

/// \f$\hat\epsilon = \sigma\,x_t + a\,\hat v\f$ per image.
/// @param xt (N, ...) noisy images
/// @param v (N, ...) predicted velocity
/// @param steps (N) as in add_noise
/// @param schedule its alpha_bars
/// @throws ShapeError naming "epsilon_from_v" on mismatched shapes or a bad step.
Tensor epsilon_from_v(const Tensor& xt, const Tensor& v, const Tensor& steps, const NoiseSchedule& schedule);

}  // namespace wb
