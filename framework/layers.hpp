// Layers: forward caches what backward needs; backward takes dL/d(output), writes dL/d(param)
// into each parameter's grad (overwriting, not accumulating) and returns dL/d(input).
// N = batch. Weights use PyTorch's layouts: Dense weight (out, in).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "framework/random.hpp"
#include "framework/tensor.hpp"

namespace wb {

/// A trainable tensor and its gradient, owned by a layer.
struct Param {
    std::string name;  ///< e.g. "dense.weight"
    Tensor* value;
    Tensor* grad;
};

class Layer {
public:
    virtual ~Layer() = default;
    virtual std::string name() const = 0;
    /// x: (N, ...) -> y: (N, ...). Keeps what backward needs. Takes x by value, so a caller that is
    /// done with its tensor can std::move it in and a layer can keep or reshape it without a copy.
    virtual Tensor forward(Tensor x) = 0;
    /// dout: shape of the last forward's output -> dx: shape of its input.
    virtual Tensor backward(Tensor dout) = 0;
    virtual std::vector<Param> params() { return {}; }
    /// Frees what the last forward kept for backward; backward needs a forward again after it. Activation
    /// checkpointing (chapter 11) calls it to hold one segment's activations at a time. Layers that keep little
    /// (Flatten's shape) need not override it.
    virtual void release_activations() {}
    /// The output shape for an input shape (batch dim included), for model summaries.
    virtual Shape output_shape(const Shape& input) const { return input; }

    /// False for a model's first layer (Sequential sets it): nothing needs dL/d(input) there,
    /// so layers whose input gradient is costly (Conv2D) may skip it and return an empty tensor.
    bool needs_input_grad = true;
};

enum class Init { glorot_uniform, he_normal, torch_default };

/// y = x W^T + b.  x: (N, in), W: (out, in), b: (out), y: (N, out). Any leading dims, as torch.nn.Linear:
/// x (N, T, in) gives y (N, T, out), the same W for every (n, t).
/// Bias starts at zero (Keras) except with Init::torch_default, which draws it like PyTorch.
class Dense : public Layer {
public:
    Dense(int in_features, int out_features, Rng& rng, Init init = Init::glorot_uniform);
    std::string name() const override { return "Dense"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    void release_activations() override { x_ = Tensor(); }
    std::vector<Param> params() override;
    Shape output_shape(const Shape& input) const override;

    Tensor weight, bias, weight_grad, bias_grad;

private:
    Tensor x_;  // (N, in) from the last forward
};

/// Minibatch standard deviation (Karras et al., ProGAN, 2018), per feature: appends to each row the spread
/// of every feature over the row's group, so that a discriminator can see a batch whose samples look alike.
/// x: (N, F) -> y: (N, 2F), y[n, :F] = x[n], y[n, F + f] = sqrt(var_g(x[:, f]) + 1e-8), the variance (divided
/// by G) over the G consecutive rows of n's group. G = min(group_size, N) must divide N: a GAN step that feeds
/// real and fake rows as one batch (real first) with group_size = its batch keeps the two apart.
class MinibatchStddev : public Layer {
public:
    explicit MinibatchStddev(int group_size);
    std::string name() const override { return "MinibatchStddev"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    Shape output_shape(const Shape& input) const override;

private:
    int group_size_;
    Tensor x_;                      // (N, F) from the last forward
    Storage mean_, std_;  // (groups, F); aligned as a Tensor, so that Eigen's sqrt over them peels the same head every run
};

/// Minibatch standard deviation per channel: appends to each row, for every channel, the spread over the
/// row's group of that channel's mean over its positions. Per-feature spread (MinibatchStddev) can be faked
/// with noise, pixel by pixel; this cannot: it sees whether the samples of a group differ as wholes (more of
/// one pattern, less of another), as images of different classes do.
/// x: (N, C * P), C channels of P positions each, channel-major as Flatten leaves them -> y: (N, C * P + C),
/// y[n, :C*P] = x[n], y[n, C*P + c] = sqrt(var_g(m[:, c]) + 1e-8) with m[n, c] = (1/P) sum_p x[n, c*P + p], the
/// variance (divided by G) over the G consecutive rows of n's group. G = min(group_size, N) must divide N.
class ChannelStddev : public Layer {
public:
    ChannelStddev(int group_size, int channels);
    std::string name() const override { return "ChannelStddev"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    Shape output_shape(const Shape& input) const override;

private:
    int group_size_, channels_;
    int rows_ = 0, features_ = 0;        // N and C * P of the last forward
    std::vector<float> channel_mean_;    // (N, C): m
    std::vector<float> mean_, std_;      // (groups, C): the mean and spread of m over each group
};

/// y = max(x, 0); dy/dx = 1 where x > 0, else 0 (0 at x == 0, as PyTorch).
class ReLU : public Layer {
public:
    std::string name() const override { return "ReLU"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    void release_activations() override { y_ = Tensor(); }

private:
    Tensor y_;
};

/// y = x for x > 0, slope * x otherwise (torch.nn.LeakyReLU; DCGAN's discriminators use slope 0.2);
/// dy/dx = 1 or slope (slope at x == 0, as PyTorch).
class LeakyReLU : public Layer {
public:
    explicit LeakyReLU(float slope = 0.2f) : slope_(slope) {}
    std::string name() const override { return "LeakyReLU"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    void release_activations() override { x_ = Tensor(); }

private:
    float slope_;
    Tensor x_;
};

/// Pixelwise feature normalisation (Karras et al., ProGAN, 2018), the generator's normaliser there in place of
/// batch normalisation: each position's vector of channels is scaled to unit mean square, with no statistics
/// across the batch and no parameters. x, y: (N, C, H, W) (or (N, C): one position);
/// y[n, c, p] = x[n, c, p] / r[n, p],  r[n, p] = sqrt((1/C) sum_c x[n, c, p]^2 + 1e-8);
/// dx[n, k, p] = dout[n, k, p] / r - x[n, k, p] / (C r^3) sum_c dout[n, c, p] x[n, c, p].
class PixelNorm : public Layer {
public:
    std::string name() const override { return "PixelNorm"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;

private:
    Tensor x_;
    std::vector<float> r_;  // (N, P)
};

/// y = tanh(x); dy/dx = 1 - y^2.
class Tanh : public Layer {
public:
    std::string name() const override { return "Tanh"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    void release_activations() override { y_ = Tensor(); }

private:
    Tensor y_;
};

/// y = 1 / (1 + e^-x); dy/dx = y (1 - y).
class Sigmoid : public Layer {
public:
    std::string name() const override { return "Sigmoid"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    void release_activations() override { y_ = Tensor(); }

private:
    Tensor y_;
};

/// (N, d1, d2, ...) -> (N, d1 * d2 * ...), row-major, so (N, C, H, W) flattens like torch.flatten(x, 1).
class Flatten : public Layer {
public:
    std::string name() const override { return "Flatten"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    Shape output_shape(const Shape& input) const override;

private:
    Shape input_shape_;
};

/// (N, ...) -> (N, shape...): the same values per sample under another shape, e.g. a generator's
/// (N, 784) into images (N, 1, 28, 28). The element count per sample must match.
class Reshape : public Layer {
public:
    explicit Reshape(Shape per_sample) : per_sample_(std::move(per_sample)) {}
    std::string name() const override { return "Reshape"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    Shape output_shape(const Shape& input) const override;

private:
    Shape per_sample_;
    Shape input_shape_;
};

/// The mean over the time axis: x (N, T, F) -> (N, F), for sequence classification and regression.
class MeanOverTime : public Layer {
public:
    std::string name() const override { return "MeanOverTime"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    Shape output_shape(const Shape& input) const override;

private:
    Shape input_shape_;
};

/// Spectral normalisation (Miyato et al., ICLR 2018) of a layer's weight, as torch.nn.utils.spectral_norm with one
/// power iteration per forward pass: the wrapped layer runs on W / sigma(W), where sigma is the largest singular
/// value of W viewed as a matrix (dim 0, the rest), so the layer is at most 1-Lipschitz in its weight's direction.
/// The optimizer steps the raw weight W (this layer's params() give it under the wrapped layer's name for it).
/// Every forward: v = normalise(W^T u), u = normalise(W v) (u kept across calls), sigma = u^T W v.
/// Backward, with u and v held constant (as PyTorch):
/// \f[ \frac{\partial L}{\partial W} = \frac{G}{\sigma} - \frac{\langle G, W \rangle}{\sigma^2}\, u v^\top, \qquad
///     G = \frac{\partial L}{\partial (W / \sigma)}. \f]
/// The wrapped layer's first param is the weight; its others (the bias) pass through unchanged.
class SpectralNorm : public Layer {
public:
    SpectralNorm(std::unique_ptr<Layer> layer, Rng& rng);
    std::string name() const override { return "SpectralNorm(" + layer_->name() + ")"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    std::vector<Param> params() override;
    Shape output_shape(const Shape& input) const override { return layer_->output_shape(input); }
    /// sigma(W) of the last forward pass.
    double sigma() const { return sigma_; }
    /// False freezes u (and so v and the sigma of the current W): for gradient checks.
    bool power_iteration = true;

private:
    std::unique_ptr<Layer> layer_;
    Tensor weight_, weight_grad_;  // the raw W and dL/dW
    std::vector<double> u_, v_;    // (rows), (cols)
    double sigma_ = 0.0;
};

/// Numerically safe logistic function, used by layers and losses.
float sigmoid(float x);

}  // namespace wb
