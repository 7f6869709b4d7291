#include "framework/layers.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "framework/eigen_views.hpp"

namespace wb {

float sigmoid(float x) {
    // For x < 0 write it as e^x / (1 + e^x) so e^-x never overflows.
    if (x >= 0.0f) return 1.0f / (1.0f + std::exp(-x));
    const float e = std::exp(x);
    return e / (1.0f + e);
}

Dense::Dense(int in_features, int out_features, Rng& rng, Init init)
    : bias({out_features}), weight_grad({out_features, in_features}), bias_grad({out_features}) {
    const Shape shape{out_features, in_features};
    switch (init) {
        case Init::glorot_uniform: weight = glorot_uniform(shape, rng); break;
        case Init::he_normal: weight = he_normal(shape, rng); break;
        case Init::torch_default:
            weight = torch_default_uniform(shape, in_features, rng);
            bias = torch_default_uniform({out_features}, in_features, rng);
            break;
    }
}

Tensor Dense::forward(Tensor x) {
    const int in = weight.dim(1), out = weight.dim(0);
    if (x.rank() < 2 || x.dim(-1) != in)
        throw ShapeError("Dense::forward: x " + to_string(x.shape()) + " must be (N, ..., " + std::to_string(in) + ")");
    // every leading index is one row: (N, T, in) runs as (N T, in), as torch.nn.Linear does
    const int rows = static_cast<int>(x.size() / in);
    Shape shape = x.shape();
    shape.back() = out;
    Tensor y = Tensor::uninitialized(shape);
    // y = x W^T + b
    as_matrix(y, rows, out).noalias() = as_matrix(x, rows, in) * as_matrix(weight).transpose();
    as_matrix(y, rows, out).rowwise() += as_vector(bias).transpose();
    x_ = std::move(x);
    return y;
}

Tensor Dense::backward(Tensor dout) {
    const int in = weight.dim(1), out = weight.dim(0), rows = static_cast<int>(x_.size() / in);
    Shape expected = x_.shape();
    expected.back() = out;
    require_shape("Dense::backward", "dout", dout, expected);
    // y = x W^T + b  =>  dW = dout^T x,  db = column sums of dout,  dx = dout W
    as_matrix(weight_grad).noalias() = as_matrix(dout, rows, out).transpose() * as_matrix(x_, rows, in);
    as_vector(bias_grad) = as_matrix(dout, rows, out).colwise().sum().transpose();
    Tensor dx = Tensor::uninitialized(x_.shape());
    as_matrix(dx, rows, in).noalias() = as_matrix(dout, rows, out) * as_matrix(weight);
    return dx;
}

std::vector<Param> Dense::params() {
    return {{"dense.weight", &weight, &weight_grad}, {"dense.bias", &bias, &bias_grad}};
}

Shape Dense::output_shape(const Shape& input) const {
    Shape shape = input;
    shape.back() = weight.dim(0);
    return shape;
}

Tensor Reshape::forward(Tensor x) {
    Shape shape = output_shape(x.shape());
    if (element_count(shape) != x.size())
        throw ShapeError("Reshape::forward: x " + to_string(x.shape()) + " cannot become " + to_string(shape));
    input_shape_ = x.shape();
    x.reshape(shape);
    return x;
}

Tensor Reshape::backward(Tensor dout) {
    dout.reshape(input_shape_);
    return dout;
}

Shape Reshape::output_shape(const Shape& input) const {
    Shape shape{input.at(0)};
    shape.insert(shape.end(), per_sample_.begin(), per_sample_.end());
    return shape;
}

Tensor MeanOverTime::forward(Tensor x) {
    require_rank("MeanOverTime::forward", "x", x, 3);
    const int N = x.dim(0), T = x.dim(1), F = x.dim(2);
    input_shape_ = x.shape();
    // y[n] = (1/T) sum_t x[n, t]
    Tensor y({N, F});
    for (int n = 0; n < N; ++n)
        for (int t = 0; t < T; ++t)
            for (int f = 0; f < F; ++f) y(n, f) += x(n, t, f) / static_cast<float>(T);
    return y;
}

Tensor MeanOverTime::backward(Tensor dout) {
    const int N = input_shape_.at(0), T = input_shape_.at(1), F = input_shape_.at(2);
    require_shape("MeanOverTime::backward", "dout", dout, {N, F});
    // every step received 1/T of each output
    Tensor dx = Tensor::uninitialized(input_shape_);
    for (int n = 0; n < N; ++n)
        for (int t = 0; t < T; ++t)
            for (int f = 0; f < F; ++f) dx(n, t, f) = dout(n, f) / static_cast<float>(T);
    return dx;
}

Shape MeanOverTime::output_shape(const Shape& input) const { return {input.at(0), input.at(2)}; }

MinibatchStddev::MinibatchStddev(int group_size) : group_size_(group_size) {
    if (group_size < 1) throw std::invalid_argument("MinibatchStddev: group_size must be >= 1, got " + std::to_string(group_size));
}

Tensor MinibatchStddev::forward(Tensor x) {
    require_rank("MinibatchStddev::forward", "x", x, 2);
    const int N = x.dim(0), F = x.dim(1), G = std::min(group_size_, N);
    if (N % G != 0)
        throw ShapeError("MinibatchStddev::forward: a batch of " + std::to_string(N) + " rows is not a whole number of groups of " +
                         std::to_string(G));
    mean_.assign(static_cast<std::size_t>(N / G) * F, 0.0f);
    std_.assign(mean_.size(), 0.0f);
    const float g = static_cast<float>(G);
    Tensor y = Tensor::uninitialized({N, 2 * F});
    for (int group = 0; group < N / G; ++group) {
        float* __restrict mean = &mean_[static_cast<std::size_t>(group) * F];
        float* __restrict sd = &std_[static_cast<std::size_t>(group) * F];
        // mean_f = (1/G) sum_n x[n, f];  std_f = sqrt((1/G) sum_n (x[n, f] - mean_f)^2 + 1e-8)
        for (int n = group * G; n < (group + 1) * G; ++n) {
            const float* __restrict row = &x(n, 0);
            for (int f = 0; f < F; ++f) mean[f] += row[f] / g;
        }
        for (int n = group * G; n < (group + 1) * G; ++n) {
            const float* __restrict row = &x(n, 0);
            for (int f = 0; f < F; ++f) sd[f] += (row[f] - mean[f]) * (row[f] - mean[f]) / g;
        }
        // Eigen's sqrt runs in SIMD lanes (std::sqrt in a loop stays scalar, for errno), within an ulp of std::sqrt
        Eigen::Map<Eigen::ArrayXf> spread(sd, F);
        spread = (spread + 1e-8f).sqrt();
        for (int n = group * G; n < (group + 1) * G; ++n) {
            std::copy(&x(n, 0), &x(n, 0) + F, &y(n, 0));
            std::copy(sd, sd + F, &y(n, F));
        }
    }
    x_ = std::move(x);
    return y;
}

Tensor MinibatchStddev::backward(Tensor dout) {
    const int N = x_.dim(0), F = x_.dim(1), G = std::min(group_size_, N);
    require_shape("MinibatchStddev::backward", "dout", dout, {N, 2 * F});
    const float g = static_cast<float>(G);
    // d std_f / d x[n, f] = (x[n, f] - mean_f) / (G std_f): every row of the group shares std_f's gradient
    Tensor dx = Tensor::uninitialized({N, F});
    std::vector<float> dstd_buffer(static_cast<std::size_t>(F));
    float* __restrict dstd = dstd_buffer.data();
    for (int group = 0; group < N / G; ++group) {
        const float* __restrict mean = &mean_[static_cast<std::size_t>(group) * F];
        const float* __restrict sd = &std_[static_cast<std::size_t>(group) * F];
        std::fill(dstd, dstd + F, 0.0f);
        for (int n = group * G; n < (group + 1) * G; ++n) {
            const float* __restrict from_std = &dout(n, F);
            for (int f = 0; f < F; ++f) dstd[f] += from_std[f];
        }
        for (int n = group * G; n < (group + 1) * G; ++n) {
            const float* __restrict row = &x_(n, 0);
            const float* __restrict direct = &dout(n, 0);
            float* __restrict out = &dx(n, 0);
            for (int f = 0; f < F; ++f) out[f] = direct[f] + dstd[f] * (row[f] - mean[f]) / (g * sd[f]);
        }
    }
    return dx;
}

Shape MinibatchStddev::output_shape(const Shape& input) const { return {input.at(0), 2 * input.at(1)}; }

ChannelStddev::ChannelStddev(int group_size, int channels) : group_size_(group_size), channels_(channels) {
    if (group_size < 1 || channels < 1)
        throw std::invalid_argument("ChannelStddev: group_size and channels must be >= 1, got " + std::to_string(group_size) +
                                    " and " + std::to_string(channels));
}

Tensor ChannelStddev::forward(Tensor x) {
    require_rank("ChannelStddev::forward", "x", x, 2);
    const int N = x.dim(0), F = x.dim(1), C = channels_, G = std::min(group_size_, N);
    if (F % C != 0)
        throw ShapeError("ChannelStddev::forward: x has shape " + to_string(x.shape()) + ", whose " + std::to_string(F) +
                         " features are not " + std::to_string(C) + " channels of equal size");
    if (N % G != 0)
        throw ShapeError("ChannelStddev::forward: a batch of " + std::to_string(N) + " rows is not a whole number of groups of " +
                         std::to_string(G));
    const int P = F / C;
    rows_ = N, features_ = F;
    // m[n, c] = (1/P) sum_p x[n, c*P + p]
    channel_mean_.assign(static_cast<std::size_t>(N) * C, 0.0f);
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c) {
            const float* in = &x(n, c * P);
            float sum = 0.0f;
            for (int p = 0; p < P; ++p) sum += in[p];
            channel_mean_[static_cast<std::size_t>(n) * C + c] = sum / static_cast<float>(P);
        }
    // per group: mean_c = (1/G) sum_n m[n, c];  std_c = sqrt((1/G) sum_n (m[n, c] - mean_c)^2 + 1e-8)
    mean_.assign(static_cast<std::size_t>(N / G) * C, 0.0f);
    std_.assign(mean_.size(), 0.0f);
    const float g = static_cast<float>(G);
    for (int group = 0; group < N / G; ++group) {
        float* mean = &mean_[static_cast<std::size_t>(group) * C];
        float* sd = &std_[static_cast<std::size_t>(group) * C];
        for (int n = group * G; n < (group + 1) * G; ++n)
            for (int c = 0; c < C; ++c) mean[c] += channel_mean_[static_cast<std::size_t>(n) * C + c] / g;
        for (int n = group * G; n < (group + 1) * G; ++n)
            for (int c = 0; c < C; ++c) {
                const float d = channel_mean_[static_cast<std::size_t>(n) * C + c] - mean[c];
                sd[c] += d * d / g;
            }
        for (int c = 0; c < C; ++c) sd[c] = std::sqrt(sd[c] + 1e-8f);
    }
    Tensor y = Tensor::uninitialized({N, F + C});
    for (int n = 0; n < N; ++n) {
        std::copy(&x(n, 0), &x(n, 0) + F, &y(n, 0));
        const float* sd = &std_[static_cast<std::size_t>(n / G) * C];
        std::copy(sd, sd + C, &y(n, F));
    }
    return y;
}

Tensor ChannelStddev::backward(Tensor dout) {
    const int N = rows_, F = features_, C = channels_, G = std::min(group_size_, N), P = F / C;
    require_shape("ChannelStddev::backward", "dout", dout, {N, F + C});
    // d std_c / d x[n, c*P + p] = (m[n, c] - mean_c) / (G std_c) * (1/P): the group's std_c gradient, spread
    // over the channel's positions
    const float g = static_cast<float>(G), positions = static_cast<float>(P);
    Tensor dx = Tensor::uninitialized({N, F});
    std::vector<float> dstd(static_cast<std::size_t>(C));
    for (int group = 0; group < N / G; ++group) {
        const float* mean = &mean_[static_cast<std::size_t>(group) * C];
        const float* sd = &std_[static_cast<std::size_t>(group) * C];
        std::fill(dstd.begin(), dstd.end(), 0.0f);
        for (int n = group * G; n < (group + 1) * G; ++n)
            for (int c = 0; c < C; ++c) dstd[static_cast<std::size_t>(c)] += dout(n, F + c);
        for (int n = group * G; n < (group + 1) * G; ++n)
            for (int c = 0; c < C; ++c) {
                const float through_std = dstd[static_cast<std::size_t>(c)] *
                                          (channel_mean_[static_cast<std::size_t>(n) * C + c] - mean[c]) / (g * sd[c] * positions);
                const float* direct = &dout(n, c * P);
                float* out = &dx(n, c * P);
                for (int p = 0; p < P; ++p) out[p] = direct[p] + through_std;
            }
    }
    return dx;
}

Shape ChannelStddev::output_shape(const Shape& input) const { return {input.at(0), input.at(1) + channels_}; }

Tensor ReLU::forward(Tensor x) {
    for (float& v : x) v = v > 0.0f ? v : 0.0f;
    y_ = x;  // y > 0 exactly where x > 0: the output is all backward needs
    return x;
}

Tensor ReLU::backward(Tensor dout) {
    require_shape("ReLU::backward", "dout", dout, y_.shape());
    for (std::size_t i = 0; i < dout.size(); ++i) dout[i] = y_[i] > 0.0f ? dout[i] : 0.0f;  // a select, not a branch
    return dout;
}

Tensor LeakyReLU::forward(Tensor x) {
    x_ = x;
    for (float& v : x) v = v > 0.0f ? v : slope_ * v;
    return x;
}

Tensor LeakyReLU::backward(Tensor dout) {
    require_shape("LeakyReLU::backward", "dout", dout, x_.shape());
    for (std::size_t i = 0; i < dout.size(); ++i) dout[i] = x_[i] > 0.0f ? dout[i] : slope_ * dout[i];
    return dout;
}

// (N, C, positions) of a rank-2 or rank-4 tensor, for PixelNorm
static void channels_and_positions(const char* op, const Tensor& x, int& N, int& C, int& P) {
    if (x.rank() != 2 && x.rank() != 4)
        throw ShapeError(std::string(op) + ": x " + to_string(x.shape()) + " must be (N, C) or (N, C, H, W)");
    N = x.dim(0), C = x.dim(1), P = x.rank() == 4 ? x.dim(2) * x.dim(3) : 1;
}

Tensor PixelNorm::forward(Tensor x) {
    int N, C, P;
    channels_and_positions("PixelNorm::forward", x, N, C, P);
    r_.assign(static_cast<std::size_t>(N) * P, 0.0f);
    Tensor y = Tensor::uninitialized(x.shape());
    for (int n = 0; n < N; ++n) {
        const float* xn = x.data() + static_cast<std::size_t>(n) * C * P;
        float* yn = y.data() + static_cast<std::size_t>(n) * C * P;
        float* r = &r_[static_cast<std::size_t>(n) * P];
        // r_p = sqrt((1/C) sum_c x_cp^2 + 1e-8); y_cp = x_cp / r_p
        for (int c = 0; c < C; ++c)
            for (int p = 0; p < P; ++p) r[p] += xn[c * P + p] * xn[c * P + p];
        for (int p = 0; p < P; ++p) r[p] = std::sqrt(r[p] / static_cast<float>(C) + 1e-8f);
        for (int c = 0; c < C; ++c)
            for (int p = 0; p < P; ++p) yn[c * P + p] = xn[c * P + p] / r[p];
    }
    x_ = std::move(x);
    return y;
}

Tensor PixelNorm::backward(Tensor dout) {
    require_shape("PixelNorm::backward", "dout", dout, x_.shape());
    int N, C, P;
    channels_and_positions("PixelNorm::backward", x_, N, C, P);
    std::vector<float> dot(static_cast<std::size_t>(P));
    for (int n = 0; n < N; ++n) {
        const float* xn = x_.data() + static_cast<std::size_t>(n) * C * P;
        float* dn = dout.data() + static_cast<std::size_t>(n) * C * P;
        const float* r = &r_[static_cast<std::size_t>(n) * P];
        // dx_kp = dout_kp / r_p - x_kp / (C r_p^3) sum_c dout_cp x_cp
        std::fill(dot.begin(), dot.end(), 0.0f);
        for (int c = 0; c < C; ++c)
            for (int p = 0; p < P; ++p) dot[p] += dn[c * P + p] * xn[c * P + p];
        for (int p = 0; p < P; ++p) dot[p] /= static_cast<float>(C) * r[p] * r[p] * r[p];
        for (int c = 0; c < C; ++c)
            for (int p = 0; p < P; ++p) dn[c * P + p] = dn[c * P + p] / r[p] - xn[c * P + p] * dot[p];
    }
    return dout;
}

Tensor Tanh::forward(Tensor x) {
    for (float& v : x) v = std::tanh(v);
    y_ = x;
    return x;
}

Tensor Tanh::backward(Tensor dout) {
    require_shape("Tanh::backward", "dout", dout, y_.shape());
    for (std::size_t i = 0; i < dout.size(); ++i) dout[i] *= 1.0f - y_[i] * y_[i];
    return dout;
}

Tensor Sigmoid::forward(Tensor x) {
    for (float& v : x) v = sigmoid(v);
    y_ = x;
    return x;
}

Tensor Sigmoid::backward(Tensor dout) {
    require_shape("Sigmoid::backward", "dout", dout, y_.shape());
    for (std::size_t i = 0; i < dout.size(); ++i) dout[i] *= y_[i] * (1.0f - y_[i]);
    return dout;
}

Shape Flatten::output_shape(const Shape& input) const {
    int features = 1;
    for (std::size_t i = 1; i < input.size(); ++i) features *= input[i];
    return {input.at(0), features};
}

Tensor Flatten::forward(Tensor x) {
    if (x.rank() < 2) throw ShapeError("Flatten::forward: x has shape " + to_string(x.shape()) +
                                       ", expected rank >= 2 (batch first)");
    input_shape_ = x.shape();
    x.reshape(output_shape(input_shape_));  // same values, new shape: no copy
    return x;
}

Tensor Flatten::backward(Tensor dout) {
    dout.reshape(input_shape_);
    return dout;
}

SpectralNorm::SpectralNorm(std::unique_ptr<Layer> layer, Rng& rng) : layer_(std::move(layer)) {
    const std::vector<Param> inner = layer_->params();
    if (inner.empty()) throw ShapeError("SpectralNorm: " + layer_->name() + " has no weight to normalise");
    weight_ = *inner[0].value;
    weight_grad_ = Tensor(weight_.shape());
    const std::size_t rows = static_cast<std::size_t>(weight_.dim(0)), cols = weight_.size() / rows;
    // u starts as a random unit vector (PyTorch draws it the same way, from its own generator)
    const Tensor start = Tensor::randn({static_cast<int>(rows)}, rng);
    u_.assign(start.begin(), start.end());
    double norm = 0;
    for (double x : u_) norm += x * x;
    for (double& x : u_) x /= std::max(std::sqrt(norm), 1e-12);
    v_.assign(cols, 0.0);
}

Tensor SpectralNorm::forward(Tensor x) {
    const std::size_t rows = u_.size(), cols = v_.size();
    const float* W = weight_.data();
    if (power_iteration || sigma_ == 0.0) {
        // one power iteration: v = W^T u / |W^T u|, u = W v / |W v|
        std::fill(v_.begin(), v_.end(), 0.0);
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t c = 0; c < cols; ++c) v_[c] += static_cast<double>(W[r * cols + c]) * u_[r];
        double norm = 0;
        for (double x : v_) norm += x * x;
        for (double& x : v_) x /= std::max(std::sqrt(norm), 1e-12);
        norm = 0;
        for (std::size_t r = 0; r < rows; ++r) {
            double sum = 0;
            for (std::size_t c = 0; c < cols; ++c) sum += static_cast<double>(W[r * cols + c]) * v_[c];
            u_[r] = sum;
            norm += sum * sum;
        }
        for (double& x : u_) x /= std::max(std::sqrt(norm), 1e-12);
    }
    // sigma = u^T W v
    sigma_ = 0;
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) sigma_ += u_[r] * W[r * cols + c] * v_[c];
    Tensor& normalised = *layer_->params()[0].value;
    for (std::size_t i = 0; i < weight_.size(); ++i) normalised[i] = static_cast<float>(W[i] / sigma_);
    return layer_->forward(std::move(x));
}

Tensor SpectralNorm::backward(Tensor dout) {
    Tensor dx = layer_->backward(std::move(dout));
    const Tensor& G = *layer_->params()[0].grad;
    const std::size_t rows = u_.size(), cols = v_.size();
    // dL/dW = G / sigma - <G, W> / sigma^2 u v^T
    double inner = 0;
    for (std::size_t i = 0; i < weight_.size(); ++i) inner += static_cast<double>(G[i]) * weight_[i];
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) {
            const std::size_t i = r * cols + c;
            weight_grad_[i] = static_cast<float>(G[i] / sigma_ - inner / (sigma_ * sigma_) * u_[r] * v_[c]);
        }
    return dx;
}

std::vector<Param> SpectralNorm::params() {
    std::vector<Param> inner = layer_->params();
    inner[0].value = &weight_;
    inner[0].grad = &weight_grad_;
    return inner;
}

}  // namespace wb
