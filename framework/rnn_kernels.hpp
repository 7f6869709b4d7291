// What the recurrent chapters' references and layers share besides the element-wise functions
// (framework/elementwise.hpp): the shape check of a recurrent layer's weights.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// Checks a recurrent layer's weights in PyTorch's layout for `gates` gates (RNN 1, GRU 3, LSTM 4) and
/// returns the hidden size H: w_ih (gates H, input_size), w_hh (gates H, H), b_ih and b_hh (gates H).
/// Throws ShapeError naming `op` and the tensor that disagrees.
int recurrent_hidden_size(const char* op, int gates, int input_size, const Tensor& w_ih, const Tensor& w_hh,
                          const Tensor& b_ih, const Tensor& b_hh);

}  // namespace wb
