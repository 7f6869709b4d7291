#include "framework/kernel_layers/cnn_layers.hpp"

namespace wb {

Conv2D::Conv2D(int in_channels, int out_channels, int kernel, Rng& rng, Conv2dParams params, Init init)
    : bias({out_channels}), weight_grad({out_channels, in_channels, kernel, kernel}), bias_grad({out_channels}),
      conv(params) {
    const Shape shape{out_channels, in_channels, kernel, kernel};
    switch (init) {
        case Init::glorot_uniform: weight = glorot_uniform(shape, rng); break;
        case Init::he_normal: weight = he_normal(shape, rng); break;
        case Init::torch_default: {
            const int fan_in = in_channels * kernel * kernel;
            weight = torch_default_uniform(shape, fan_in, rng);
            bias = torch_default_uniform({out_channels}, fan_in, rng);
            break;
        }
    }
}

Tensor Conv2D::forward(const Tensor& x) {
    x_ = x;
    return conv2d_forward(x, weight, bias, conv);
}

Tensor Conv2D::backward(const Tensor& dout) {
    Conv2dGrads g = conv2d_backward(dout, x_, weight, true, conv, needs_input_grad);
    weight_grad = std::move(g.dw);
    bias_grad = std::move(g.db);
    return std::move(g.dx);
}

std::vector<Param> Conv2D::params() { return {{"conv.weight", &weight, &weight_grad}, {"conv.bias", &bias, &bias_grad}}; }

Shape Conv2D::output_shape(const Shape& input) const {
    const int k = weight.dim(2), span = conv.dilation * (k - 1) + 1;
    auto out = [&](int in) { return (in + 2 * conv.padding - span) / conv.stride + 1; };
    return {input.at(0), weight.dim(0), out(input.at(2)), out(input.at(3))};
}

Tensor MaxPool2D::forward(const Tensor& x) {
    MaxPoolResult r = maxpool2d_forward(x, kernel_, stride_);
    cache_ = std::move(r.cache);
    return std::move(r.out);
}

Tensor MaxPool2D::backward(const Tensor& dout) { return maxpool2d_backward(dout, cache_); }

Shape MaxPool2D::output_shape(const Shape& input) const {
    return {input.at(0), input.at(1), (input.at(2) - kernel_) / stride_ + 1, (input.at(3) - kernel_) / stride_ + 1};
}

}  // namespace wb
