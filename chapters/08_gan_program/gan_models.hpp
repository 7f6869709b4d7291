/// @file gan_models.hpp
/// Exercise **GanModels**: the source's generator and discriminator, layer for layer, with the one
/// change a GAN needs: D ends in a logit, because chapter 05's losses take logits.
///
/// Images: (N, 1, 28, 28) in [-1, 1] (to_tanh_range), the range of G's tanh.
#pragma once
#include "framework/model.hpp"
#include "framework/random.hpp"

namespace wb {

/// The noise size of the source's generator.
inline constexpr int kNoiseSize = 100;

/// The generator: z (N, 100) -> Dense 128 + ReLU -> Dense 784 + Tanh -> Reshape to (N, 1, 28, 28).
/// Parameters: 12,928 + 101,136 = 114,064. Initialised as PyTorch's nn.Linear (Init::torch_default).
/// Use wb::Dense, wb::ReLU, wb::Tanh and wb::Reshape (framework/layers.hpp).
Sequential build_generator(Rng& rng);

/// The discriminator: (N, 1, 28, 28) -> Conv2D 64 filters 3x3 + ReLU -> (N, 64, 26, 26) -> MaxPool 2
/// -> (N, 64, 13, 13) -> Flatten -> (N, 10816) -> Dense 1: one logit per image, no sigmoid.
/// Parameters: 640 + 10,817 = 11,457. Initialised as PyTorch's nn.Conv2d and nn.Linear.
/// Use wb::Conv2D and wb::MaxPool2D (layers/cnn_layers.hpp): they run your chapter 04 kernels.
Sequential build_discriminator(Rng& rng);

}  // namespace wb
