#include "framework/layers.hpp"

#include <cmath>

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

Tensor Dense::forward(const Tensor& x) {
    require_shape("Dense::forward", "x", x, {-1, weight.dim(1)});
    x_ = x;
    Tensor y({x.dim(0), weight.dim(0)});
    // y = x W^T + b
    as_matrix(y).noalias() = as_matrix(x) * as_matrix(weight).transpose();
    as_matrix(y).rowwise() += as_vector(bias).transpose();
    return y;
}

Tensor Dense::backward(const Tensor& dout) {
    require_shape("Dense::backward", "dout", dout, {x_.dim(0), weight.dim(0)});
    // y = x W^T + b  =>  dW = dout^T x,  db = column sums of dout,  dx = dout W
    as_matrix(weight_grad).noalias() = as_matrix(dout).transpose() * as_matrix(x_);
    as_vector(bias_grad) = as_matrix(dout).colwise().sum().transpose();
    Tensor dx(x_.shape());
    as_matrix(dx).noalias() = as_matrix(dout) * as_matrix(weight);
    return dx;
}

std::vector<Param> Dense::params() {
    return {{"dense.weight", &weight, &weight_grad}, {"dense.bias", &bias, &bias_grad}};
}

Shape Dense::output_shape(const Shape& input) const { return {input.at(0), weight.dim(0)}; }

Tensor ReLU::forward(const Tensor& x) {
    x_ = x;
    Tensor y = x;
    for (float& v : y) v = v > 0.0f ? v : 0.0f;
    return y;
}

Tensor ReLU::backward(const Tensor& dout) {
    require_shape("ReLU::backward", "dout", dout, x_.shape());
    Tensor dx = dout;
    for (std::size_t i = 0; i < dx.size(); ++i) dx[i] = x_[i] > 0.0f ? dx[i] : 0.0f;  // a select, not a branch
    return dx;
}

Tensor Tanh::forward(const Tensor& x) {
    y_ = x;
    for (float& v : y_) v = std::tanh(v);
    return y_;
}

Tensor Tanh::backward(const Tensor& dout) {
    require_shape("Tanh::backward", "dout", dout, y_.shape());
    Tensor dx = dout;
    for (std::size_t i = 0; i < dx.size(); ++i) dx[i] *= 1.0f - y_[i] * y_[i];
    return dx;
}

Tensor Sigmoid::forward(const Tensor& x) {
    y_ = x;
    for (float& v : y_) v = sigmoid(v);
    return y_;
}

Tensor Sigmoid::backward(const Tensor& dout) {
    require_shape("Sigmoid::backward", "dout", dout, y_.shape());
    Tensor dx = dout;
    for (std::size_t i = 0; i < dx.size(); ++i) dx[i] *= y_[i] * (1.0f - y_[i]);
    return dx;
}

Shape Flatten::output_shape(const Shape& input) const {
    int features = 1;
    for (std::size_t i = 1; i < input.size(); ++i) features *= input[i];
    return {input.at(0), features};
}

Tensor Flatten::forward(const Tensor& x) {
    if (x.rank() < 2) throw ShapeError("Flatten::forward: x has shape " + to_string(x.shape()) +
                                       ", expected rank >= 2 (batch first)");
    input_shape_ = x.shape();
    return x.reshaped(output_shape(x.shape()));
}

Tensor Flatten::backward(const Tensor& dout) { return dout.reshaped(input_shape_); }

}  // namespace wb
