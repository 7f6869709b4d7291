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

Tensor Dense::forward(Tensor x) {
    require_shape("Dense::forward", "x", x, {-1, weight.dim(1)});
    Tensor y = Tensor::uninitialized({x.dim(0), weight.dim(0)});
    // y = x W^T + b
    as_matrix(y).noalias() = as_matrix(x) * as_matrix(weight).transpose();
    as_matrix(y).rowwise() += as_vector(bias).transpose();
    x_ = std::move(x);
    return y;
}

Tensor Dense::backward(Tensor dout) {
    require_shape("Dense::backward", "dout", dout, {x_.dim(0), weight.dim(0)});
    // y = x W^T + b  =>  dW = dout^T x,  db = column sums of dout,  dx = dout W
    as_matrix(weight_grad).noalias() = as_matrix(dout).transpose() * as_matrix(x_);
    as_vector(bias_grad) = as_matrix(dout).colwise().sum().transpose();
    Tensor dx = Tensor::uninitialized(x_.shape());
    as_matrix(dx).noalias() = as_matrix(dout) * as_matrix(weight);
    return dx;
}

std::vector<Param> Dense::params() {
    return {{"dense.weight", &weight, &weight_grad}, {"dense.bias", &bias, &bias_grad}};
}

Shape Dense::output_shape(const Shape& input) const { return {input.at(0), weight.dim(0)}; }

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
