/// @file models.hpp
/// Exercise **BuildModels**: the source's CNN classifier, faithfully, and the corrected 10-class one.
///
/// Input: (N, 1, 28, 28) Fashion-MNIST images scaled to [0, 1].
#pragma once
#include "framework/model.hpp"
#include "framework/random.hpp"

namespace wb {

/// The source's model, layer for layer (Keras names in brackets):
/// Conv2D 32 filters 3x3 + ReLU [Conv2D(32, (3, 3), activation='relu')] -> (N, 32, 26, 26);
/// MaxPool 2x2 [MaxPooling2D((2, 2))] -> (N, 32, 13, 13); Flatten -> (N, 5408);
/// Dense 1 + Sigmoid [Dense(1, activation='sigmoid')] -> (N, 1), the probability of class 1.
/// Parameters: 320 + 5409 = 5729, as Keras's summary. Train it with binary cross-entropy (wb::bce_loss).
/// It can only answer yes/no: one sigmoid unit is one probability.
/// Use wb::Conv2D and wb::MaxPool2D (layers/cnn_layers.hpp): they run your chapter 04 kernels.
Sequential build_binary_model(Rng& rng);

/// The corrected model for ten classes: the same trunk, then Dense 10 giving logits (N, 10).
/// No softmax layer: wb::softmax_cross_entropy_loss applies it inside the loss, stably.
/// Parameters: 320 + 54090 = 54410. This is the model compared with PyTorch, so it is initialised as
/// PyTorch initialises nn.Conv2d and nn.Linear (Init::torch_default): after 2 epochs it measured
/// 0.892 test accuracy, as PyTorch does; with Keras's Glorot initialisation 0.888.
Sequential build_ten_class_model(Rng& rng);

}  // namespace wb
