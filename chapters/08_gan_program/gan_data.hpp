/// @file gan_data.hpp
/// Exercise **TanhRange**: images between [0, 1] (how Fashion-MNIST is read) and [-1, 1] (what a tanh
/// generator produces). The source skipped this: its D saw real images in [0, 255] and fakes in [-1, 1],
/// and told them apart by their range alone.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// x in [0, 1] -> 2 x - 1 in [-1, 1], element by element; any shape.
Tensor to_tanh_range(const Tensor& images);

/// The inverse for display: (x + 1) / 2, clamped to [0, 1] (a generator's output may overshoot by rounding).
Tensor from_tanh_range(const Tensor& images);

}  // namespace wb
