/// @file augment.hpp
/// Exercises **FlipAndShift** and **AugmentPipeline**: classic data augmentation for images, the
/// baseline any use of generated samples must beat.
///
/// Shapes: N = images, C = channels, H, W = size. Every function returns a new tensor and leaves its
/// input as it was.
#pragma once
#include "framework/random.hpp"
#include "framework/tensor.hpp"

namespace wb {

/// Mirrors every image left to right: \f$\text{out}[n, c, h, w] = x[n, c, h, W - 1 - w]\f$.
/// @param images (N, C, H, W)
/// @return (N, C, H, W)
/// @throws ShapeError naming "flip_horizontal" unless images is rank 4.
/// PyTorch: `torch.flip(images, dims=[3])`.
Tensor flip_horizontal(const Tensor& images);

/// Moves every image by (dy, dx) pixels, filling what comes in from outside with zeros:
/// \f$\text{out}[n, c, h, w] = x[n, c, h - dy, w - dx]\f$ where that index is inside the image, else 0.
/// A positive dy moves the content down, a positive dx to the right. This is a random crop of the image
/// padded by |dy|, |dx| zeros, as `torchvision.transforms.RandomCrop(size, padding)` does.
/// @param images (N, C, H, W)
/// @param dy rows to move down (negative: up)
/// @param dx columns to move right (negative: left)
/// @return (N, C, H, W)
/// @throws ShapeError naming "shift_image" unless images is rank 4.
Tensor shift_image(const Tensor& images, int dy, int dx);

/// How augment changes each image.
struct AugmentOptions {
    float flip_probability = 0.5f;  ///< chance of a horizontal flip, in [0, 1]
    int max_shift = 2;              ///< dy and dx are drawn uniformly from [-max_shift, max_shift], >= 0
    float noise_std = 0.0f;         ///< standard deviation of added N(0, noise_std^2) noise, >= 0
};

/// Augments every image independently, in this order: a flip with probability flip_probability, a
/// shift by a random (dy, dx), then Gaussian noise on every value. Per image, draw from `rng` in this
/// order: `rng.uniform01() < flip_probability` decides the flip, then dy = `rng.below(2 s + 1)` - s and
/// dx = `rng.below(2 s + 1)` - s (s = max_shift), then, only if noise_std > 0, one `rng.normal()` per value
/// in row-major order. (The order is part of the contract so that a run can be repeated bit for bit.)
/// @param images (N, C, H, W)
/// @param options see AugmentOptions
/// @param rng the source of every random choice
/// @return (N, C, H, W)
/// @throws ShapeError naming "augment" unless images is rank 4; std::invalid_argument for options outside
///         their ranges.
Tensor augment(const Tensor& images, const AugmentOptions& options, Rng& rng);

}  // namespace wb
