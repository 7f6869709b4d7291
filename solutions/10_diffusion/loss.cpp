// Reference: the training targets, min-SNR-gamma weights and the weighted denoising loss.
#include "chapters/10_diffusion/loss.hpp"

#include <algorithm>
#include <string>

namespace wb {
namespace {

void require_objective(const char* op, const std::string& objective) {
    if (objective != "epsilon" && objective != "x0" && objective != "v")
        throw ShapeError(std::string(op) + ": objective '" + objective + "' is none of epsilon, x0, v");
}

}  // namespace

Tensor training_target(const std::string& objective, const Tensor& x0, const Tensor& noise, const Tensor& steps,
                       const NoiseSchedule& schedule) {
    require_objective("training_target", objective);
    if (objective == "v") return v_target(x0, noise, steps, schedule);
    add_noise(x0, noise, steps, schedule);  // the same checks of shapes and steps for every objective
    return objective == "epsilon" ? noise : x0;
}

Tensor min_snr_weights(const std::string& objective, const Tensor& steps, const NoiseSchedule& schedule, float gamma) {
    const char* op = "min_snr_weights";
    require_objective(op, objective);
    if (!(gamma > 0)) throw ShapeError(std::string(op) + ": gamma " + std::to_string(gamma) + " must be > 0");
    require_rank(op, "steps", steps, 1);
    const Tensor snr = signal_to_noise(schedule);
    const int T = snr.dim(0);
    Tensor w(steps.shape());
    for (std::size_t n = 0; n < w.size(); ++n) {
        const float t = steps[n];
        if (!(t >= 0.0f && t < static_cast<float>(T)) || t != static_cast<float>(static_cast<int>(t)))
            throw ShapeError(std::string(op) + ": step " + std::to_string(t) + " is not an integer in [0, " +
                             std::to_string(T) + ")");
        // min(s, gamma) in x0 space; an epsilon error is sqrt(s) x0 errors, a v error sqrt(s + 1)
        const double s = snr[static_cast<std::size_t>(t)], capped = std::min<double>(s, gamma);
        w[n] = static_cast<float>(objective == "epsilon" ? capped / s : objective == "v" ? capped / (s + 1.0) : capped);
    }
    return w;
}

DenoisingLoss denoising_loss(const Tensor& prediction, const Tensor& target, const Tensor& weights) {
    const char* op = "denoising_loss";
    if (prediction.shape() != target.shape() || prediction.rank() < 1)
        shape_mismatch(op, "prediction", prediction, "target", target, "both must be (N, ...) of the same shape");
    const int N = prediction.dim(0);
    require_shape(op, "weights", weights, {N});
    const std::size_t P = prediction.size() / static_cast<std::size_t>(N);
    // L = 1/N sum_n w_n 1/P sum_p (pred - y)^2;  dL/dpred = 2 w_n (pred - y) / (N P)
    DenoisingLoss out{0.0, Tensor(prediction.shape())};
    for (int n = 0; n < N; ++n) {
        double image = 0.0;
        for (std::size_t p = n * P; p < (n + 1) * P; ++p) {
            const double error = static_cast<double>(prediction[p]) - target[p];
            image += error * error;
            out.dprediction[p] = static_cast<float>(2.0 * weights[n] * error / (static_cast<double>(N) * P));
        }
        out.loss += weights[n] * image / P;
    }
    out.loss /= N;
    return out;
}

}  // namespace wb
