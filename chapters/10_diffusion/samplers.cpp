// Exercises DdpmStep and DdimStep. Contracts and math: samplers.hpp. Grade: ./wb grade 10
#include "chapters/10_diffusion/samplers.hpp"

namespace wb {

Tensor ddpm_step(const Tensor& xt, const Tensor& epsilon, int step, const NoiseSchedule& schedule, const Tensor& noise,
                 const std::string& variance) {
    // TODO: mu = (x_t - beta_t / sqrt(1 - abar_t) * eps) / sqrt(alpha_t); sigma^2 = beta_t ("beta") or
    //       (1 - abar_{t-1}) / (1 - abar_t) * beta_t ("posterior", abar_{-1} = 1); x_{t-1} = mu + sigma z, and no
    //       noise at t = 0. Reject mismatched shapes, t outside [0, T) or another variance.
    // Worked example: beta = 0.36, abar = 0.36 (t = 0), x_t = 1, eps = 1 -> mu = (1 - 0.36 / 0.8) / 0.8 = 0.6875.
    throw NotImplemented("ddpm_step");
}

Tensor ddim_step(const Tensor& xt, const Tensor& epsilon, int step, int previous, const NoiseSchedule& schedule,
                 float eta, const Tensor& noise) {
    // TODO: x0_hat = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t); sigma = eta sqrt((1 - abar_s) / (1 - abar_t))
    //       sqrt(1 - abar_t / abar_s); x_s = sqrt(abar_s) x0_hat + sqrt(1 - abar_s - sigma^2) eps + sigma z, with
    //       abar_s = 1 when s = -1. Reject mismatched shapes, t outside [0, T), s outside [-1, t), eta outside [0, 1].
    // Worked example: abar_t = 0.64, s = -1, x_t = 1.4, eps = 1 -> x0_hat = 1, and x_s = x0_hat = 1.
    throw NotImplemented("ddim_step");
}

}  // namespace wb
