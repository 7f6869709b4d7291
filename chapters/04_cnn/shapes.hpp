/// @file shapes.hpp
/// Exercises **OutputShape**, **ParameterCount**, **TransposedConvShape** and **ReceptiveField**: the arithmetic
/// every CNN interview starts with.
#pragma once
#include <vector>

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

/// Output length of a transposed convolution along one axis (PyTorch's ConvTranspose formula):
/// \f[ \text{out} = (\text{in} - 1)\,s - 2p + d\,(k - 1) + \text{output\_padding} + 1 \f]
/// A transposed convolution is the adjoint (the backward pass) of the convolution with the same k, s, p, d:
/// that convolution maps a length of `out` back to `in`. With s > 1 several lengths convolve down to the same
/// `in` (the floor drops up to s - 1 inputs); output_padding, which PyTorch requires to be smaller than
/// s or d, picks which of them, so a decoder can undo an encoder's shape exactly.
/// Examples: in 4, k 4, s 2, p 1 (DCGAN's and U-Net's upsampling) gives 8; in 13, k 3, s 2 gives 27, and
/// 28 with output_padding 1 (both convolve, k 3 s 2, back to 13).
/// @param input in (> 0)
/// @param kernel k (> 0)
/// @param stride s (> 0)
/// @param padding p (>= 0): removed from both ends of the full output
/// @param output_padding added at one end, 0 <= output_padding < max(s, d)
/// @param dilation d (> 0)
/// @return out (>= 1)
/// @throws ShapeError naming "conv_transpose_output_size" and the numbers when an argument is out of range,
///         output_padding is not smaller than the stride or the dilation, or the padding leaves no output.
int conv_transpose_output_size(int input, int kernel, int stride = 1, int padding = 0, int output_padding = 0,
                               int dilation = 1);

/// One layer of a stack as its receptive field sees it: a convolution or a pooling window of `kernel` taps,
/// `dilation` inputs apart, moved `stride` inputs at a time. Padding shifts the field; it does not change its size.
struct WindowLayer {
    int kernel;        ///< taps along the axis (k)
    int stride = 1;    ///< inputs between two window positions (s)
    int dilation = 1;  ///< inputs between two taps (d)
};

/// What one output position of a stack of windows sees of its input, along one axis.
struct ReceptiveField {
    long size;  ///< the span from the first to the last input position that can change one output position (away
                ///< from the borders); a dilated or strided stack may leave positions inside it that cannot
    long jump;  ///< how far apart, in input positions, two neighbouring output positions look: the strides' product
};

/// The receptive field of a stack of windows (first layer first), by the recurrence over layers l = 1..L:
/// \f[ r_0 = 1,\ j_0 = 1; \qquad r_l = r_{l-1} + d_l (k_l - 1)\, j_{l-1}, \qquad j_l = j_{l-1}\, s_l \f]
/// Layer l adds \f$d_l (k_l - 1)\f$ of its own input steps to the field, and one of its input steps is
/// \f$j_{l-1}\f$ positions of the image: the strides of the layers below it, not its own.
/// Examples: two 3x3 convolutions see 5x5 and three see 7x7 (VGG's argument for small kernels); AlexNet's
/// five convolutions and three 3x3 stride-2 poolings see 195 with a jump of 32.
/// @param layers the stack, input side first (empty: a field of 1, jump 1)
/// @return {size r_L, jump j_L}
/// @throws ShapeError naming "receptive_field" and the layer's index when a kernel, stride or dilation is < 1.
ReceptiveField receptive_field(const std::vector<WindowLayer>& layers);

}  // namespace wb
