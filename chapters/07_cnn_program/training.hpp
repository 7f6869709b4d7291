/// @file training.hpp
/// Exercises **BinaryLabels**, **TrainStep**, **Accuracy** and **ConfusionMatrix**: the pieces of the
/// training program around the model.
#pragma once
#include "framework/model.hpp"
#include "framework/tensor.hpp"

namespace wb {

/// The source's binary task on Fashion-MNIST: footwear against everything else.
/// Footwear = Sandal (5), Sneaker (7), Ankle boot (9).
/// @param labels (N) class labels 0..9
/// @return (N, 1) targets: 1 for footwear, 0 otherwise (the shape of build_binary_model's output)
Tensor footwear_targets(const Tensor& labels);

/// One optimisation step on one batch: forward, loss and its gradient, backward, optimizer step.
/// @param model the network; its parameters change
/// @param x (N, ...) inputs
/// @param y targets in the form `loss` expects
/// @param loss e.g. wb::bce_loss or wb::softmax_cross_entropy_loss
/// @param optimizer e.g. wb::Adam(1e-3)
/// @return the batch loss before the step
double train_step(Sequential& model, const Tensor& x, const Tensor& y, const LossFn& loss, Optimizer& optimizer);

/// Predicted class of every row. outputs (N, 1): probabilities, class 1 when > 0.5;
/// outputs (N, C) with C > 1: the argmax (the first one on ties).
/// @return (N) labels as floats
Tensor predict_labels(const Tensor& outputs);

/// Fraction of rows whose predicted label (predict_labels) equals the target.
/// @param outputs (N, 1) probabilities or (N, C) scores
/// @param targets (N, 1) 0/1 targets, or (N) class labels
/// @throws ShapeError naming "accuracy" if the row counts differ.
double accuracy(const Tensor& outputs, const Tensor& targets);

/// Confusion matrix: entry (t, p) counts the samples of true class t predicted as p.
/// Rows sum to each class's sample count; the diagonal holds the correct predictions.
/// @param predicted (N) labels
/// @param truth (N) labels
/// @param classes K
/// @return (K, K) counts as floats
/// @throws ShapeError naming "confusion_matrix" on different lengths or a label outside [0, K).
Tensor confusion_matrix(const Tensor& predicted, const Tensor& truth, int classes);

}  // namespace wb
