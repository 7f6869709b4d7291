// Element-wise functions over whole arrays, vectorised: a per-element std::exp or std::tanh costs as much
// as the matrix products around it at the chapter 01 and 03 benchmark shapes (softmax rows, LSTM gates).
#pragma once

namespace wb {

/// y[i] = e^{x[i]} for i < n. y may be x. Vectorised; within 2 ulp of std::exp; e^{-inf} may come out as
/// a tiny positive number instead of 0, so callers that need exact zeros (blocked attention keys) set them.
void exp_array(const float* x, float* y, int n);

/// y[i] = 1 / (1 + e^{-x[i]}) for i < n. y may be x. Vectorised; within 1e-6 of the exact value.
void sigmoid_array(const float* x, float* y, int n);

/// y[i] = tanh(x[i]) for i < n. y may be x. Vectorised; within 1e-6 of std::tanh.
void tanh_array(const float* x, float* y, int n);

}  // namespace wb
