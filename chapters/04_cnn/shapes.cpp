// Exercises OutputShape and ParameterCount. Contracts and formulas: shapes.hpp. Grade: ./wb grade 04
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

}  // namespace wb
