// Exercises OutputShape, ParameterCount, TransposedConvShape and ReceptiveField. Contracts and formulas: shapes.hpp. Grade: ./wb grade 04
#include "chapters/04_cnn/shapes.hpp"

#include "framework/errors.hpp"

namespace wb {

int conv_output_size(int input, int kernel, int stride, int padding, int dilation) {
    // TODO: out = floor((input + 2 padding - dilation (kernel - 1) - 1) / stride) + 1.
    //       Throw ShapeError naming "conv_output_size" (and the numbers) when input, kernel, stride or
    //       dilation is not positive, padding is negative, or the dilated kernel does not fit.
    // Worked example: input 5, kernel 3, stride 2, padding 1 -> floor((5 + 2 - 2 - 1) / 2) + 1 = 3.
    throw NotImplemented("conv_output_size");
}

long conv2d_parameter_count(int in_channels, int out_channels, int kernel_h, int kernel_w, bool bias) {
    // TODO: one (C, KH, KW) filter per output channel, plus one bias per output channel.
    throw NotImplemented("conv2d_parameter_count");
}

long dense_parameter_count(int in_features, int out_features, bool bias) {
    // TODO: in * out weights, plus out biases.
    throw NotImplemented("dense_parameter_count");
}

long conv2d_macs(int in_channels, int out_channels, int kernel_h, int kernel_w, int out_h, int out_w) {
    // TODO: every output value (F * OH * OW of them) is a dot product of length C * KH * KW.
    throw NotImplemented("conv2d_macs");
}

int conv_transpose_output_size(int input, int kernel, int stride, int padding, int output_padding, int dilation) {
    // TODO: out = (input - 1) stride - 2 padding + dilation (kernel - 1) + output_padding + 1.
    //       Throw ShapeError naming "conv_transpose_output_size" (and the numbers) when input, kernel, stride or
    //       dilation is not positive, padding or output_padding is negative, output_padding >= max(stride,
    //       dilation), or out < 1.
    // Worked example: input 13, kernel 3, stride 2, output_padding 1 -> 12 * 2 - 0 + 2 + 1 + 1 = 28.
    throw NotImplemented("conv_transpose_output_size");
}

ReceptiveField receptive_field(const std::vector<WindowLayer>& layers) {
    // TODO: start from a field of 1 and a jump of 1; for each layer, input side first:
    //       field += dilation * (kernel - 1) * jump   (the jump of the layers below), then jump *= stride.
    //       Throw ShapeError naming "receptive_field" and the layer's index for a kernel, stride or dilation < 1.
    // Worked example: conv 3 stride 2, then conv 3 -> field 1 + 2 * 1 = 3, jump 2; then 3 + 2 * 2 = 7, jump 2.
    throw NotImplemented("receptive_field");
}

}  // namespace wb
