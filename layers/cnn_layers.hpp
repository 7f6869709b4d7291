// Layers whose kernels are chapter 04 exercises. They live above the chapters (the framework never
// depends on a chapter) and are built once per flavour: cnn_layers_learner on the learner's chapter 04
// (chapters/04_cnn), cnn_layers_reference on the reference (solutions/04_cnn), each linked to its own.
#pragma once
#include "chapters/04_cnn/conv.hpp"
#include "chapters/04_cnn/pool.hpp"
#include "framework/layers.hpp"
#include "framework/model.hpp"

namespace wb {

/// 2-D convolution: x (N, C, H, W) -> (N, F, OH, OW) with weight (F, C, K, K) and bias (F).
/// Calls conv2d_forward and conv2d_backward; skips dX when it is the model's first layer.
/// Initialised like Keras's Conv2D (Glorot uniform weights, zero bias) unless init says otherwise.
class Conv2D : public Layer {
public:
    Conv2D(int in_channels, int out_channels, int kernel, Rng& rng, Conv2dParams params = {},
           Init init = Init::glorot_uniform);
    std::string name() const override { return "Conv2D"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    std::vector<Param> params() override;
    Shape output_shape(const Shape& input) const override;

    Tensor weight, bias, weight_grad, bias_grad;
    Conv2dParams conv;

private:
    Tensor x_;
};

/// Max pooling with a square window: (N, C, H, W) -> (N, C, OH, OW). Calls maxpool2d_forward/backward.
class MaxPool2D : public Layer {
public:
    explicit MaxPool2D(int kernel, int stride = 0) : kernel_(kernel), stride_(stride > 0 ? stride : kernel) {}
    int kernel() const { return kernel_; }
    int stride() const { return stride_; }
    std::string name() const override { return "MaxPool2D"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    Shape output_shape(const Shape& input) const override;

private:
    int kernel_, stride_;
    MaxPoolCache cache_;
};

/// Conv2D + ReLU + MaxPool2D in one layer, calling conv2d_relu_maxpool_forward/backward: the same
/// parameters and results as the three layers, without their three large intermediate tensors.
/// Built by fuse_conv_relu_pool from an existing Conv2D, which it keeps: its weights, gradients,
/// parameter names and output size serve the fused layer unchanged.
class Conv2DReluPool : public Layer {
public:
    Conv2DReluPool(Conv2D&& conv, int pool);
    std::string name() const override { return "Conv2D+ReLU+MaxPool2D"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    std::vector<Param> params() override { return conv.params(); }
    Shape output_shape(const Shape& input) const override;

    Conv2D conv;  ///< the convolution's parameters and gradients

private:
    int pool_;
    ConvReluPoolCache cache_;
};

/// Replaces every Conv2D, ReLU, MaxPool2D run (pool stride = pool size) of `model` by one
/// Conv2DReluPool, if the linked conv2d_relu_maxpool_forward is implemented (a stub leaves the
/// model as it is). Parameters, their order and names are unchanged. Returns how many runs were fused.
int fuse_conv_relu_pool(Sequential& model);

}  // namespace wb
