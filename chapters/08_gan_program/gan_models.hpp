/// @file gan_models.hpp
/// Exercise **GanModels**: the source's generator and discriminator, layer for layer, with two changes:
/// D ends in a logit, because chapter 05's losses take logits; and D appends minibatch standard deviations
/// to its features, per feature and per channel, the remedy for the mode collapse that the source's D lets
/// happen (the chapter page has the measurements; `./wb run 08 --plain-discriminator` trains without them).
///
/// Images: (N, 1, 28, 28) in [-1, 1] (to_tanh_range), the range of G's tanh.
#pragma once
#include "framework/model.hpp"
#include "framework/random.hpp"

namespace wb {

/// The noise size of the source's generator.
inline constexpr int kNoiseSize = 100;

/// The training batch: a GAN step feeds D 64 real rows, then 64 generated ones.
inline constexpr int kGanBatch = 64;

/// The rows over which D's MinibatchStddev and ChannelStddev measure spread. It divides kGanBatch, so real and
/// generated rows never share a group. ProGAN uses 4; over five seeds 16 left the weakest class at 1.6-6.6%
/// of the samples after 12 epochs, where 4 left it at 0.2-3.0% (the chapter page's trials, run before the
/// program gave G its MMD step).
inline constexpr int kStddevGroup = 16;

/// The generator: z (N, 100) -> Dense 128 + ReLU -> Dense 784 + Tanh -> Reshape to (N, 1, 28, 28).
/// Parameters: 12,928 + 101,136 = 114,064. Initialised as PyTorch's nn.Linear (Init::torch_default).
/// Use wb::Dense, wb::ReLU, wb::Tanh and wb::Reshape (framework/layers.hpp).
Sequential build_generator(Rng& rng);

/// The discriminator: (N, 1, 28, 28) -> Conv2D 64 filters 3x3 + ReLU -> (N, 64, 26, 26) -> MaxPool 2
/// -> (N, 64, 13, 13) -> Flatten -> (N, 10816) -> MinibatchStddev(kStddevGroup) -> (N, 21632), that is 128
/// channels of 13x13 (64 of features, 64 of their spread) -> ChannelStddev(kStddevGroup, 128) -> (N, 21760)
/// -> Dense 1: one logit per image, no sigmoid. Parameters: 640 + 21,761 = 22,401.
/// With minibatch_stddev = false, the source's D exactly: Flatten -> Dense 10816 -> 1, 11,457 parameters.
/// Initialised as PyTorch's nn.Conv2d and nn.Linear (Init::torch_default).
/// Use wb::Conv2D and wb::MaxPool2D (layers/cnn_layers.hpp), which run your chapter 04 kernels, and
/// wb::MinibatchStddev and wb::ChannelStddev (framework/layers.hpp).
Sequential build_discriminator(Rng& rng, bool minibatch_stddev = true);

}  // namespace wb
