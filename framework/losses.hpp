// Losses with mean reduction, as PyTorch's defaults. Each returns the loss and dL/d(input).
#pragma once
#include <functional>
#include <vector>

#include "framework/tensor.hpp"

namespace wb {

struct LossResult {
    double loss;  ///< mean over the batch (and elements)
    Tensor grad;  ///< dL/d(pred or logits), same shape as pred
};

/// loss(pred, target) -> value and dL/dpred; e.g. wb::softmax_cross_entropy_loss.
using LossFn = std::function<LossResult(const Tensor& pred, const Tensor& target)>;

/// L = mean((pred - target)^2) over all elements; dL/dpred = 2 (pred - target) / n.
LossResult mse_loss(const Tensor& pred, const Tensor& target);

/// Binary cross-entropy on logits z and targets y in [0, 1], any shape, as
/// torch.nn.BCEWithLogitsLoss: l = max(z, 0) - z y + log(1 + e^-|z|), which never overflows;
/// dl/dz = sigmoid(z) - y.
LossResult bce_with_logits_loss(const Tensor& logits, const Tensor& target);

/// Binary cross-entropy on probabilities p (after a sigmoid), as Keras's binary_crossentropy:
/// p is clipped to [1e-7, 1 - 1e-7], l = -(y log p + (1 - y) log(1 - p)).
LossResult bce_loss(const Tensor& probs, const Tensor& target);

/// Softmax cross-entropy as torch.nn.CrossEntropyLoss. logits: (N, C); labels: (N), class
/// indices stored as floats. l = logsumexp(z) - z[label]; dl/dz = softmax(z) - onehot(label).
/// Throws ShapeError on a label outside [0, C).
LossResult softmax_cross_entropy_loss(const Tensor& logits, const Tensor& labels);

/// The squared maximum mean discrepancy (MMD) between the rows of `samples` (N, ...) and of `targets` (M, ...),
/// each row P values: the unbiased estimate of Gretton et al. (2012),
///   MMD^2 = 1/(N(N-1)) sum_{i != j} k(s_i, s_j) + 1/(M(M-1)) sum_{i != j} k(t_i, t_j) - 2/(N M) sum_{i, j} k(s_i, t_j),
/// with a sum of Gaussian kernels k(a, b) = sum_h exp(-|a - b|^2 / (P h)), so that each bandwidth h is in units
/// of the mean squared difference per value. Zero in expectation when both sets come from one distribution;
/// with samples from two distributions it is positive in expectation, and its gradient pulls each sample
/// towards nearby targets and pushes it away from nearby samples. `grad` = dMMD^2/d(samples); the targets are
/// constants. torch: no built-in; the same sums over `torch.cdist(s, t) ** 2`.
/// Throws ShapeError naming mmd_loss unless both sets have at least 2 rows of equal size and every
/// bandwidth is positive.
LossResult mmd_loss(const Tensor& samples, const Tensor& targets, const std::vector<float>& bandwidths);

}  // namespace wb
