// Reference: output size, parameter and MAC counts.
#include "chapters/04_cnn/shapes.hpp"

#include <string>

#include "framework/errors.hpp"

namespace wb {

int conv_output_size(int input, int kernel, int stride, int padding, int dilation) {
    const std::string args = "(input " + std::to_string(input) + ", kernel " + std::to_string(kernel) + ", stride " +
                             std::to_string(stride) + ", padding " + std::to_string(padding) + ", dilation " +
                             std::to_string(dilation) + ")";
    if (input <= 0 || kernel <= 0 || stride <= 0 || dilation <= 0 || padding < 0)
        throw ShapeError("conv_output_size: " + args +
                         ": input, kernel, stride and dilation must be positive, padding non-negative");
    // a dilated kernel spans d (k - 1) + 1 inputs; it must fit in the padded input at least once
    const int span = dilation * (kernel - 1) + 1;
    const int padded = input + 2 * padding;
    if (span > padded)
        throw ShapeError("conv_output_size: " + args + ": the kernel spans " + std::to_string(span) +
                         " inputs but the padded input has only " + std::to_string(padded));
    return (padded - span) / stride + 1;
}

long conv2d_parameter_count(int in_channels, int out_channels, int kernel_h, int kernel_w, bool bias) {
    // one (C, KH, KW) filter per output channel, plus one bias each
    return static_cast<long>(out_channels) * in_channels * kernel_h * kernel_w + (bias ? out_channels : 0);
}

long dense_parameter_count(int in_features, int out_features, bool bias) {
    return static_cast<long>(in_features) * out_features + (bias ? out_features : 0);
}

long conv2d_macs(int in_channels, int out_channels, int kernel_h, int kernel_w, int out_h, int out_w) {
    // each of the F * OH * OW outputs is a dot product of length C * KH * KW
    return static_cast<long>(out_channels) * out_h * out_w * in_channels * kernel_h * kernel_w;
}

}  // namespace wb
