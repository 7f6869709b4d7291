// Kernels the recurrent chapters' references and layers share: element-wise activations over whole
// arrays, vectorised (a per-element std::exp or std::tanh costs as much as the LSTM's recurrent product
// at the chapter 03 benchmark shapes), and the shape check of a recurrent layer's weights.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// y[i] = 1 / (1 + e^{-x[i]}) for i < n. y may be x. Vectorised; within 1e-6 of the exact value.
void sigmoid_array(const float* x, float* y, int n);

/// y[i] = tanh(x[i]) for i < n. y may be x. Vectorised; within 1e-6 of std::tanh.
void tanh_array(const float* x, float* y, int n);

/// Checks a recurrent layer's weights in PyTorch's layout for `gates` gates (RNN 1, GRU 3, LSTM 4) and
/// returns the hidden size H: w_ih (gates H, input_size), w_hh (gates H, H), b_ih and b_hh (gates H).
/// Throws ShapeError naming `op` and the tensor that disagrees.
int recurrent_hidden_size(const char* op, int gates, int input_size, const Tensor& w_ih, const Tensor& w_hh,
                          const Tensor& b_ih, const Tensor& b_hh);

}  // namespace wb
