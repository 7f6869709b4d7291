/// @file loss.hpp
/// Exercise **DenoisingLoss**: what a diffusion model is trained to predict, and the weighted mean squared error.
#pragma once
#include <string>

#include "chapters/10_diffusion/schedule.hpp"

namespace wb {

/// The training target of each objective for clean images x0, the noise added, and each image's step:
/// "epsilon" the noise itself (Ho et al., 2020), "x0" the clean image, "v" the velocity v_target (Salimans and Ho,
/// 2022).
/// @param objective "epsilon", "x0" or "v"
/// @param x0 (N, ...) clean images
/// @param noise epsilon, the shape of x0
/// @param steps (N), each image's step, as add_noise takes them
/// @param schedule its alpha_bars
/// @return the target, the shape of x0
/// @throws ShapeError naming "training_target" for another objective, or as add_noise on bad shapes or steps.
Tensor training_target(const std::string& objective, const Tensor& x0, const Tensor& noise, const Tensor& steps,
                       const NoiseSchedule& schedule);

/// Min-SNR-gamma loss weights (Hang et al., 2023), one per image: the loss of easy, nearly clean steps (large SNR)
/// is capped so that they do not dominate training. With \f$s = \mathrm{SNR}_t\f$ at the image's step:
/// \f[ w = \frac{\min(s, \gamma)}{s} \text{ (epsilon)}, \qquad w = \frac{\min(s, \gamma)}{s + 1} \text{ (v)}, \qquad
///     w = \min(s, \gamma) \text{ (x0)} \f]
/// each the x0-space weight \f$\min(s, \gamma)\f$ rewritten for what the network predicts, since
/// \f$\|x_0 - \hat x_0\|^2 = \|\epsilon - \hat\epsilon\|^2 / s = \|v - \hat v\|^2 / (s + 1)\f$.
/// @param objective "epsilon", "x0" or "v"
/// @param steps (N) as in add_noise
/// @param schedule its alpha_bars
/// At an SNR of 0 (a schedule rescaled to zero terminal SNR) the epsilon weight is 0/0: predicting epsilon is
/// degenerate there, which is why such schedules train with v; the schedules of this chapter never reach 0.
/// @param gamma the cap, > 0 (5 in the paper)
/// @return (N)
/// @throws ShapeError naming "min_snr_weights" for another objective, gamma <= 0, or a bad step.
Tensor min_snr_weights(const std::string& objective, const Tensor& steps, const NoiseSchedule& schedule, float gamma = 5.0f);

/// The loss and its gradient.
struct DenoisingLoss {
    double loss;        ///< L
    Tensor dprediction; ///< dL/dprediction, the shape of the prediction
};

/// The weighted denoising loss over a batch of N images of P values each:
/// \f[ L = \frac1N \sum_n w_n \, \frac1P \sum_p (\hat y_{np} - y_{np})^2, \qquad
///     \frac{\partial L}{\partial \hat y_{np}} = \frac{2 w_n}{N P} (\hat y_{np} - y_{np}) \f]
/// With every w = 1 this is torch.nn.functional.mse_loss (mean over all values), the loss of DDPM.
/// @param prediction (N, ...) the network's output
/// @param target the training target, the shape of prediction
/// @param weights (N), one per image
/// @throws ShapeError naming "denoising_loss" if target differs from prediction in shape or weights is not (N).
DenoisingLoss denoising_loss(const Tensor& prediction, const Tensor& target, const Tensor& weights);

}  // namespace wb
