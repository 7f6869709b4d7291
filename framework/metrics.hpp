// Metrics of predictions against targets, averaged over samples.
#pragma once
#include <functional>

#include "framework/tensor.hpp"

namespace wb {

/// metric(pred, target) -> a number for the batch, averaged over samples; e.g. argmax_accuracy.
using MetricFn = std::function<double(const Tensor& pred, const Tensor& target)>;

/// Fraction of rows whose argmax equals the label. pred: (N, C); labels: (N) as floats.
double argmax_accuracy(const Tensor& pred, const Tensor& labels);
/// Fraction of predictions on the right side of `threshold`. pred, target: same shape; target in {0, 1}.
/// Use threshold 0 for logits, 0.5 for probabilities.
double binary_accuracy(const Tensor& pred, const Tensor& target, float threshold);

}  // namespace wb
