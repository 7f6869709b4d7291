#include "framework/layers.hpp"

#include <cmath>
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

}  // namespace wb
