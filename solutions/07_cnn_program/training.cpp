// Reference: targets, one training step, accuracy and the confusion matrix.
#include "chapters/07_cnn_program/training.hpp"

#include <algorithm>

namespace wb {

Tensor footwear_targets(const Tensor& labels) {
    require_rank("footwear_targets", "labels", labels, 1);
    Tensor y({labels.dim(0), 1});
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const int c = static_cast<int>(labels[i]);
        y[i] = (c == 5 || c == 7 || c == 9) ? 1.0f : 0.0f;  // sandal, sneaker, ankle boot
    }
    return y;
}

double train_step(Sequential& model, const Tensor& x, const Tensor& y, const LossFn& loss, Optimizer& optimizer) {
    const Tensor pred = model.forward(x);
    const LossResult r = loss(pred, y);
    model.backward(r.grad);  // every layer now holds dL/d(its parameters)
    optimizer.step(model.params());
    return r.loss;
}

Tensor predict_labels(const Tensor& outputs) {
    require_rank("predict_labels", "outputs", outputs, 2);
    const int n = outputs.dim(0), c = outputs.dim(1);
    Tensor labels({n});
    for (int i = 0; i < n; ++i) {
        const float* row = outputs.data() + static_cast<std::size_t>(i) * c;
        labels(i) = c == 1 ? (row[0] > 0.5f ? 1.0f : 0.0f)  // one probability
                           : static_cast<float>(std::max_element(row, row + c) - row);
    }
    return labels;
}

double accuracy(const Tensor& outputs, const Tensor& targets) {
    const Tensor predicted = predict_labels(outputs);
    if (targets.size() != predicted.size() || targets.dim(0) != outputs.dim(0))
        shape_mismatch("accuracy", "outputs", outputs, "targets", targets, "one target per row: (N, 1) or (N)");
    std::size_t correct = 0;
    for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == targets[i];
    return predicted.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(predicted.size());
}

Tensor confusion_matrix(const Tensor& predicted, const Tensor& truth, int classes) {
    if (predicted.shape() != truth.shape() || predicted.rank() != 1)
        shape_mismatch("confusion_matrix", "predicted", predicted, "truth", truth, "both must be (N)");
    Tensor m({classes, classes});
    for (std::size_t i = 0; i < truth.size(); ++i) {
        const int t = static_cast<int>(truth[i]), p = static_cast<int>(predicted[i]);
        if (t < 0 || t >= classes || p < 0 || p >= classes)
            throw ShapeError("confusion_matrix: sample " + std::to_string(i) + " has labels (" + std::to_string(t) + ", " +
                             std::to_string(p) + "), outside [0, " + std::to_string(classes) + ")");
        m(t, p) += 1.0f;  // row = the truth, column = the guess
    }
    return m;
}

}  // namespace wb
