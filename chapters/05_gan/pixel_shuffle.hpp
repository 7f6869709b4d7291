/// @file pixel_shuffle.hpp
/// Exercises **PixelShuffle** and **PixelShuffleBackward**: depth-to-space, the upsampling layer of
/// ESPCN and many super-resolution and GAN generators, as `torch.nn.functional.pixel_shuffle`.
///
/// Shapes: N = batch, C = output channels, r = upscale factor, H, W = input size.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// Rearranges (N, C r^2, H, W) into (N, C, H r, W r):
/// \f[ \text{out}[n, c, h r + i, w r + j] = x[n, c r^2 + i r + j, h, w], \qquad 0 \le i, j < r. \f]
/// A convolution that outputs C r^2 channels at low resolution, followed by this, upsamples without the
/// checkerboard artefacts of a strided transposed convolution: every output pixel comes from exactly one
/// input value, so nothing is summed and nothing overlaps.
/// @param x (N, C r^2, H, W)
/// @param r the upscale factor, >= 1
/// @return (N, C, H r, W r)
/// @throws ShapeError naming "pixel_shuffle" if x is not rank 4, r < 1, or r^2 does not divide the channels.
/// PyTorch: `torch.nn.functional.pixel_shuffle(x, r)`.
Tensor pixel_shuffle(const Tensor& x, int r);

/// The backward pass of pixel_shuffle: each input element received exactly one output element, so
/// the gradient moves back unchanged, space-to-depth (PyTorch's `pixel_unshuffle`):
/// \f[ dx[n, c r^2 + i r + j, h, w] = \text{dout}[n, c, h r + i, w r + j]. \f]
/// @param dout (N, C, H r, W r)
/// @param r the upscale factor used forward
/// @return dx (N, C r^2, H, W)
/// @throws ShapeError naming "pixel_shuffle_backward" if dout is not rank 4 or H r, W r are not multiples of r.
Tensor pixel_shuffle_backward(const Tensor& dout, int r);

}  // namespace wb
