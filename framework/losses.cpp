#include "framework/losses.hpp"

#include <algorithm>
#include <cmath>

#include "framework/layers.hpp"

namespace wb {

static void require_same(const char* op, const Tensor& pred, const Tensor& target) {
    if (pred.shape() != target.shape())
        shape_mismatch(op, "pred", pred, "target", target, "they must have the same shape");
}

LossResult mse_loss(const Tensor& pred, const Tensor& target) {
    require_same("mse_loss", pred, target);
    const double n = static_cast<double>(pred.size());
    LossResult r{0.0, Tensor(pred.shape())};
    for (std::size_t i = 0; i < pred.size(); ++i) {
        const double d = static_cast<double>(pred[i]) - target[i];
        r.loss += d * d;
        r.grad[i] = static_cast<float>(2.0 * d / n);
    }
    r.loss /= n;
    return r;
}

LossResult bce_with_logits_loss(const Tensor& logits, const Tensor& target) {
    require_same("bce_with_logits_loss", logits, target);
    const double n = static_cast<double>(logits.size());
    LossResult r{0.0, Tensor(logits.shape())};
    for (std::size_t i = 0; i < logits.size(); ++i) {
        const double z = logits[i], y = target[i];
        // log(1 + e^z) - z y, rewritten so e^(large) never appears
        r.loss += std::max(z, 0.0) - z * y + std::log1p(std::exp(-std::abs(z)));
        r.grad[i] = static_cast<float>((sigmoid(logits[i]) - y) / n);
    }
    r.loss /= n;
    return r;
}

LossResult bce_loss(const Tensor& probs, const Tensor& target) {
    require_same("bce_loss", probs, target);
    constexpr double kEps = 1e-7;  // Keras's backend epsilon
    const double n = static_cast<double>(probs.size());
    LossResult r{0.0, Tensor(probs.shape())};
    for (std::size_t i = 0; i < probs.size(); ++i) {
        const double p = std::clamp(static_cast<double>(probs[i]), kEps, 1.0 - kEps);
        const double y = target[i];
        r.loss += -(y * std::log(p) + (1.0 - y) * std::log(1.0 - p));
        // dl/dp = (p - y) / (p (1 - p)); zero where the clip is active, as in Keras
        const bool clipped = probs[i] < kEps || probs[i] > 1.0 - kEps;
        r.grad[i] = clipped ? 0.0f : static_cast<float>((p - y) / (p * (1.0 - p)) / n);
    }
    r.loss /= n;
    return r;
}

LossResult softmax_cross_entropy_loss(const Tensor& logits, const Tensor& labels) {
    require_rank("softmax_cross_entropy_loss", "logits", logits, 2);
    const int n = logits.dim(0), c = logits.dim(1);
    if (labels.shape() != Shape{n})
        shape_mismatch("softmax_cross_entropy_loss", "logits", logits, "labels", labels,
                       "labels must be (N) for logits (N, C)");
    LossResult r{0.0, Tensor(logits.shape())};
    for (int i = 0; i < n; ++i) {
        const int label = static_cast<int>(labels[static_cast<std::size_t>(i)]);
        if (label < 0 || label >= c)
            throw ShapeError("softmax_cross_entropy_loss: label " + std::to_string(label) +
                             " at row " + std::to_string(i) + " is outside [0, " +
                             std::to_string(c) + ")");
        const float* z = logits.data() + static_cast<std::size_t>(i) * c;
        float* g = r.grad.data() + static_cast<std::size_t>(i) * c;
        // logsumexp(z) = m + log(sum exp(z - m)), m = max(z)
        const float m = *std::max_element(z, z + c);
        double sum = 0.0;
        for (int j = 0; j < c; ++j) sum += std::exp(static_cast<double>(z[j] - m));
        r.loss += m + std::log(sum) - z[label];
        for (int j = 0; j < c; ++j)
            g[j] = static_cast<float>((std::exp(static_cast<double>(z[j] - m)) / sum -
                                       (j == label ? 1.0 : 0.0)) / n);
    }
    r.loss /= n;
    return r;
}

LossResult hinge_loss(const Tensor& logits, float sign) {
    if (logits.size() == 0) throw ShapeError("hinge_loss: logits are empty");
    if (sign != 1.0f && sign != -1.0f) throw ShapeError("hinge_loss: the target sign must be +1 or -1, not " + std::to_string(sign));
    const double n = static_cast<double>(logits.size());
    LossResult r{0.0, Tensor(logits.shape())};
    for (std::size_t i = 0; i < logits.size(); ++i) {
        const double margin = 1.0 - static_cast<double>(sign) * logits[i];
        if (margin > 0) {
            r.loss += margin;
            r.grad[i] = static_cast<float>(-sign / n);
        }
    }
    r.loss /= n;
    return r;
}

LossResult sequence_cross_entropy_loss(const Tensor& logits, const Tensor& labels) {
    require_rank("sequence_cross_entropy_loss", "logits", logits, 3);
    const int N = logits.dim(0), T = logits.dim(1), V = logits.dim(2);
    require_shape("sequence_cross_entropy_loss", "labels", labels, {N, T});
    LossResult r = softmax_cross_entropy_loss(logits.reshaped({N * T, V}), labels.reshaped({N * T}));
    r.grad = r.grad.reshaped({N, T, V});
    return r;
}

}  // namespace wb
