// Exercise DenoisingLoss. Contracts and math: loss.hpp. Grade: ./wb grade 10
#include "chapters/10_diffusion/loss.hpp"

namespace wb {

Tensor training_target(const std::string& objective, const Tensor& x0, const Tensor& noise, const Tensor& steps,
                       const NoiseSchedule& schedule) {
    // TODO: "epsilon" -> the noise; "x0" -> x0; "v" -> v_target(x0, noise, steps, schedule). Check the shapes and
    //       steps as add_noise does for every objective; another objective is a ShapeError naming "training_target".
    // Worked example: objective "x0" returns x0 itself, whatever the noise.
    throw NotImplemented("training_target");
}

Tensor min_snr_weights(const std::string& objective, const Tensor& steps, const NoiseSchedule& schedule, float gamma) {
    // TODO: per image, s = SNR at its step: w = min(s, gamma) / s (epsilon), min(s, gamma) / (s + 1) (v),
    //       min(s, gamma) (x0). Reject another objective, gamma <= 0 or a bad step.
    // Worked example: alpha_bar = 0.9 -> s = 9; gamma 5: epsilon 5/9, v 0.5, x0 5.
    throw NotImplemented("min_snr_weights");
}

DenoisingLoss denoising_loss(const Tensor& prediction, const Tensor& target, const Tensor& weights) {
    // TODO: N images of P values: L = 1/N sum_n w_n * mean_p (pred - target)^2; dL/dpred = 2 w_n (pred - target) / (N P).
    //       Reject target of another shape or weights not (N) (ShapeError naming "denoising_loss").
    // Worked example: pred [[1, 3]], target [[0, 0]], w [2] -> L = 2 * (1 + 9) / 2 = 10, dpred = [2, 6].
    throw NotImplemented("denoising_loss");
}

}  // namespace wb
