/// @file shapes.hpp
/// Exercises **OutputShape** and **ParameterCount**: the arithmetic every CNN interview starts with.
#pragma once

namespace wb {

/// Output length of a convolution or pooling window along one axis (PyTorch's formula):
/// \f[ \text{out} = \left\lfloor \frac{\text{in} + 2p - d\,(k - 1) - 1}{s} \right\rfloor + 1 \f]
/// with padding p on each side, dilation d (a dilated kernel spans \f$d(k-1)+1\f$ inputs) and stride s.
/// Example: in 28, k 3, s 1, p 0, d 1 gives 26; in 7, k 3, s 2, p 1 gives 4.
/// @param input in (> 0)
/// @param kernel k (> 0)
/// @param stride s (> 0)
/// @param padding p (>= 0)
/// @param dilation d (> 0)
/// @return out (>= 1)
/// @throws ShapeError naming "conv_output_size" and the numbers when an argument is out of range
///         or the dilated kernel is larger than the padded input (no output position fits).
int conv_output_size(int input, int kernel, int stride = 1, int padding = 0, int dilation = 1);

/// Trainable parameters of a Conv2d layer: \f$F \cdot C \cdot K_H \cdot K_W\f$ weights plus F biases.
/// Example: Conv2D(32, (3, 3)) on a 1-channel image has 32*1*3*3 + 32 = 320 (as Keras's summary says).
/// @param in_channels C
/// @param out_channels F
/// @param kernel_h K_H
/// @param kernel_w K_W
/// @param bias whether the layer has a bias (PyTorch's and Keras's default: yes)
long conv2d_parameter_count(int in_channels, int out_channels, int kernel_h, int kernel_w, bool bias = true);

/// Trainable parameters of a Dense (Linear) layer: in * out weights plus out biases.
long dense_parameter_count(int in_features, int out_features, bool bias = true);

/// Multiply-accumulate operations (MACs) of one Conv2d forward pass on one image:
/// every one of the \f$F \cdot O_H \cdot O_W\f$ outputs needs \f$C K_H K_W\f$ MACs (the bias add is not
/// counted). FLOPs are usually quoted as 2 x MACs: say which one you count.
long conv2d_macs(int in_channels, int out_channels, int kernel_h, int kernel_w, int out_h, int out_w);

}  // namespace wb
