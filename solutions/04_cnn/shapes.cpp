// Reference: output size, parameter and MAC counts.
#include "chapters/04_cnn/shapes.hpp"

#include <algorithm>
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

int conv_transpose_output_size(int input, int kernel, int stride, int padding, int output_padding, int dilation) {
    const std::string args = "(input " + std::to_string(input) + ", kernel " + std::to_string(kernel) + ", stride " +
                             std::to_string(stride) + ", padding " + std::to_string(padding) + ", output_padding " +
                             std::to_string(output_padding) + ", dilation " + std::to_string(dilation) + ")";
    if (input <= 0 || kernel <= 0 || stride <= 0 || dilation <= 0 || padding < 0 || output_padding < 0)
        throw ShapeError("conv_transpose_output_size: " + args +
                         ": input, kernel, stride and dilation must be positive, the paddings non-negative");
    if (output_padding >= std::max(stride, dilation))
        throw ShapeError("conv_transpose_output_size: " + args +
                         ": output_padding must be smaller than the stride or the dilation");
    // every input spreads a dilated kernel of d (k - 1) + 1 outputs, placed s apart; the padding is then cut
    // from both ends and output_padding added at one
    const int out = (input - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1;
    if (out < 1)
        throw ShapeError("conv_transpose_output_size: " + args + ": the padding leaves " + std::to_string(out) +
                         " outputs");
    return out;
}

ReceptiveField receptive_field(const std::vector<WindowLayer>& layers) {
    ReceptiveField field{1, 1};  // before any layer, an output position is one input position
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const WindowLayer& layer = layers[l];
        if (layer.kernel < 1 || layer.stride < 1 || layer.dilation < 1)
            throw ShapeError("receptive_field: layer " + std::to_string(l) + " (kernel " + std::to_string(layer.kernel) +
                             ", stride " + std::to_string(layer.stride) + ", dilation " +
                             std::to_string(layer.dilation) + "): kernel, stride and dilation must be at least 1");
        // r_l = r_{l-1} + d_l (k_l - 1) j_{l-1}: the layer's extra taps, each j_{l-1} image positions apart
        field.size += static_cast<long>(layer.dilation) * (layer.kernel - 1) * field.jump;
        // j_l = j_{l-1} s_l
        field.jump *= layer.stride;
    }
    return field;
}

}  // namespace wb
