/// @file samplers.hpp
/// Exercises **DdpmStep** and **DdimStep**: one step of the reverse process, from x_t towards a clean image.
#pragma once
#include <string>

#include "chapters/10_diffusion/schedule.hpp"

namespace wb {

/// One ancestral sampling step of DDPM (Ho et al., 2020, Algorithm 2), the whole batch at step t, from a predicted
/// noise \f$\hat\epsilon\f$:
/// \f[ \mu = \frac{1}{\sqrt{\alpha_t}}\Big(x_t - \frac{\beta_t}{\sqrt{1-\bar\alpha_t}}\,\hat\epsilon\Big), \qquad
///     x_{t-1} = \mu + \sigma_t z \f]
/// with one of the two variances Ho et al. found to work equally well: "beta", \f$\sigma_t^2 = \beta_t\f$, or
/// "posterior", \f$\sigma_t^2 = \tilde\beta_t = \frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\beta_t\f$, the variance of
/// \f$q(x_{t-1} \mid x_t, x_0)\f$. At t = 0 no noise is added (\f$x_0 = \mu\f$).
/// @param xt (N, ...) the batch at step t
/// @param epsilon (N, ...) the network's predicted noise
/// @param step t, in [0, T)
/// @param schedule betas, alphas, alpha_bars
/// @param noise z ~ N(0, I), the shape of xt (unused at t = 0)
/// @param variance "beta" or "posterior"
/// @return x_{t-1}, the shape of xt
/// @throws ShapeError naming "ddpm_step" on mismatched shapes, t outside [0, T) or another variance.
Tensor ddpm_step(const Tensor& xt, const Tensor& epsilon, int step, const NoiseSchedule& schedule, const Tensor& noise,
                 const std::string& variance = "beta");

/// One DDIM step (Song et al., 2021, eq. 12, with sigma from eq. 16) from step t to an earlier step s (any s < t: DDIM skips steps), with
/// \f$\hat x_0 = (x_t - \sqrt{1-\bar\alpha_t}\,\hat\epsilon)/\sqrt{\bar\alpha_t}\f$:
/// \f[ \sigma = \eta \sqrt{\frac{1-\bar\alpha_s}{1-\bar\alpha_t}} \sqrt{1 - \frac{\bar\alpha_t}{\bar\alpha_s}}, \qquad
///     x_s = \sqrt{\bar\alpha_s}\,\hat x_0 + \sqrt{1-\bar\alpha_s-\sigma^2}\,\hat\epsilon + \sigma z \f]
/// s = -1 stands for the clean image (\f$\bar\alpha_{-1} = 1\f$). \f$\eta = 0\f$ is deterministic: the same noise gives
/// the same image, and x_T maps to an image by an ODE's discretisation; \f$\eta = 1\f$ with s = t - 1 has DDPM's
/// posterior variance \f$\tilde\beta_t\f$.
/// @param xt (N, ...) the batch at step t
/// @param epsilon (N, ...) the network's predicted noise
/// @param step t, in [0, T)
/// @param previous s, in [-1, t)
/// @param schedule alpha_bars
/// @param eta in [0, 1]
/// @param noise z, the shape of xt (unused when sigma = 0)
/// @return x_s, the shape of xt
/// @throws ShapeError naming "ddim_step" on mismatched shapes, t or s out of range, or eta outside [0, 1].
Tensor ddim_step(const Tensor& xt, const Tensor& epsilon, int step, int previous, const NoiseSchedule& schedule,
                 float eta, const Tensor& noise);

}  // namespace wb
