#include "layers/cnn_layers.hpp"

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

Tensor Conv2D::forward(Tensor x) {
    Tensor y = conv2d_forward(x, weight, bias, conv);
    x_ = std::move(x);
    return y;
}

Tensor Conv2D::backward(Tensor dout) {
    Conv2dGrads g = conv2d_backward(dout, x_, weight, true, conv, needs_input_grad);
    weight_grad = std::move(g.dw);
    bias_grad = std::move(g.db);
    return std::move(g.dx);
}

std::vector<Param> Conv2D::params() { return {{"conv.weight", &weight, &weight_grad}, {"conv.bias", &bias, &bias_grad}}; }

// A convolution's output length, for summaries (the layers cannot ask the learner's conv_output_size:
// it may still be a stub).
static int conv_length(int in, int kernel, const Conv2dParams& p) {
    return (in + 2 * p.padding - p.dilation * (kernel - 1) - 1) / p.stride + 1;
}

Shape Conv2D::output_shape(const Shape& input) const {
    const int k = weight.dim(2);
    return {input.at(0), weight.dim(0), conv_length(input.at(2), k, conv), conv_length(input.at(3), k, conv)};
}

Tensor MaxPool2D::forward(Tensor x) {
    MaxPoolResult r = maxpool2d_forward(x, kernel_, stride_);
    cache_ = std::move(r.cache);
    return std::move(r.out);
}

Tensor MaxPool2D::backward(Tensor dout) { return maxpool2d_backward(dout, cache_); }

Shape MaxPool2D::output_shape(const Shape& input) const {
    return {input.at(0), input.at(1), (input.at(2) - kernel_) / stride_ + 1, (input.at(3) - kernel_) / stride_ + 1};
}

Conv2DReluPool::Conv2DReluPool(Conv2D&& c, int pool) : conv(std::move(c)), pool_(pool) {
    needs_input_grad = conv.needs_input_grad;
}

Tensor Conv2DReluPool::forward(Tensor x) {
    ConvReluPoolResult r = conv2d_relu_maxpool_forward(x, conv.weight, conv.bias, conv.conv, pool_);
    cache_ = std::move(r.cache);
    return std::move(r.out);
}

Tensor Conv2DReluPool::backward(Tensor dout) {
    Conv2dGrads g = conv2d_relu_maxpool_backward(dout, cache_, needs_input_grad);
    conv.weight_grad = std::move(g.dw);
    conv.bias_grad = std::move(g.db);
    return std::move(g.dx);
}

Shape Conv2DReluPool::output_shape(const Shape& input) const {
    Shape s = conv.output_shape(input);  // (N, F, OH, OW), then pooled (floor)
    s[2] /= pool_;
    s[3] /= pool_;
    return s;
}

// Whether the linked conv2d_relu_maxpool_forward exists yet: a stub throws NotImplemented.
static bool fused_kernel_available() {
    try {
        conv2d_relu_maxpool_forward(Tensor({1, 1, 2, 2}), Tensor({1, 1, 1, 1}), Tensor({1}), {}, 2);
        return true;
    } catch (const NotImplemented&) {
        return false;
    }
}

int fuse_conv_relu_pool(Sequential& model) {
    if (!fused_kernel_available()) return 0;
    int fused = 0;
    for (std::size_t i = 0; i + 2 < model.size(); ++i) {
        auto* conv = dynamic_cast<Conv2D*>(&model.layer(i));
        auto* relu = dynamic_cast<ReLU*>(&model.layer(i + 1));
        auto* pool = dynamic_cast<MaxPool2D*>(&model.layer(i + 2));
        if (!conv || !relu || !pool || pool->stride() != pool->kernel()) continue;
        model.replace_layers(i, 3, std::make_unique<Conv2DReluPool>(std::move(*conv), pool->kernel()));
        ++fused;
    }
    return fused;
}

}  // namespace wb
