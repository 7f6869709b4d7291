#include "framework/metrics.hpp"

#include <algorithm>

namespace wb {

double argmax_accuracy(const Tensor& pred, const Tensor& labels) {
    require_rank("argmax_accuracy", "pred", pred, 2);
    const int n = pred.dim(0), c = pred.dim(1);
    if (labels.shape() != Shape{n})
        shape_mismatch("argmax_accuracy", "pred", pred, "labels", labels, "labels must be (N)");
    int correct = 0;
    for (int i = 0; i < n; ++i) {
        const float* row = pred.data() + static_cast<std::size_t>(i) * c;
        const int guess = static_cast<int>(std::max_element(row, row + c) - row);
        correct += guess == static_cast<int>(labels[static_cast<std::size_t>(i)]);
    }
    return n == 0 ? 0.0 : static_cast<double>(correct) / n;
}

double binary_accuracy(const Tensor& pred, const Tensor& target, float threshold) {
    if (pred.shape() != target.shape())
        shape_mismatch("binary_accuracy", "pred", pred, "target", target, "they must have the same shape");
    std::size_t correct = 0;
    for (std::size_t i = 0; i < pred.size(); ++i)
        correct += (pred[i] > threshold) == (target[i] > 0.5f);
    return pred.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(pred.size());
}

}  // namespace wb
