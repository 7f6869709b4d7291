// Exercises BinaryLabels, TrainStep, Accuracy and ConfusionMatrix. Contracts: training.hpp. Grade: ./wb grade 07
#include "chapters/07_cnn_program/training.hpp"

namespace wb {

Tensor footwear_targets(const Tensor& labels) {
    // TODO: (N, 1) with 1 where the label is 5, 7 or 9, else 0.
    throw NotImplemented("footwear_targets");
}

double train_step(Sequential& model, const Tensor& x, const Tensor& y, const LossFn& loss, Optimizer& optimizer) {
    // TODO: pred = model.forward(x); r = loss(pred, y); model.backward(r.grad);
    //       optimizer.step(model.params()); return r.loss.
    throw NotImplemented("train_step");
}

Tensor predict_labels(const Tensor& outputs) {
    // TODO: outputs (N, 1): label 1 when the probability is > 0.5; (N, C): the index of the row's max.
    throw NotImplemented("predict_labels");
}

double accuracy(const Tensor& outputs, const Tensor& targets) {
    // TODO: compare predict_labels(outputs) with the targets ((N, 1) or (N)), row by row.
    throw NotImplemented("accuracy");
}

Tensor confusion_matrix(const Tensor& predicted, const Tensor& truth, int classes) {
    // TODO: (K, K) zeros; for each sample add 1 at (truth, predicted). Check lengths and label ranges.
    throw NotImplemented("confusion_matrix");
}

}  // namespace wb
