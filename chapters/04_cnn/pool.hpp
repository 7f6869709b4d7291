/// @file pool.hpp
/// Exercises **MaxPoolForward** and **MaxPoolBackward**: max pooling and where its gradient goes.
///
/// Shapes: N = batch, C = channels, H, W = input size, OH, OW = output size
/// (conv_output_size with padding 0, dilation 1: windows that do not fit are dropped, PyTorch's floor mode).
#pragma once
#include <vector>

#include "framework/tensor.hpp"

namespace wb {

/// What maxpool2d_backward needs.
struct MaxPoolCache {
    Shape input_shape;        ///< (N, C, H, W)
    std::vector<int> argmax;  ///< per output element (row-major over (N, C, OH, OW)): the flat index into x of its max
};

/// What maxpool2d_forward returns.
struct MaxPoolResult {
    Tensor out;          ///< (N, C, OH, OW)
    MaxPoolCache cache;  ///< the winners, for backward
};

/// Max pooling: \f$\text{out}[n, c, i, j] = \max_{u, v < k} x[n, c,\ i s + u,\ j s + v]\f$.
///
/// **Tie rule:** when several inputs of a window hold the maximum, the first one in row-major
/// window order (smallest u, then smallest v) wins and alone receives the gradient, as PyTorch's CPU
/// kernel does. Start the running max from the window's first element (or the lowest float), never from 0:
/// all-negative windows exist.
/// @param x (N, C, H, W)
/// @param kernel k (> 0)
/// @param stride s (> 0); PyTorch's default is s = k
/// @return out (N, C, OH, OW) and the cache
/// @throws ShapeError naming "maxpool2d_forward" if x is not rank 4 or the window does not fit.
/// PyTorch: `torch.nn.functional.max_pool2d(x, k, s)`.
MaxPoolResult maxpool2d_forward(const Tensor& x, int kernel, int stride);

/// Max pooling backward: each output's gradient flows to its window's winner only,
/// \f$dx[\text{argmax}(o)] \mathrel{+}= dout[o]\f$; every other input gets 0. With overlapping windows
/// (s < k) one input can win several windows and collects each of their gradients.
/// @param dout (N, C, OH, OW)
/// @param cache from maxpool2d_forward
/// @return dx (N, C, H, W)
/// @throws ShapeError naming "maxpool2d_backward" if dout does not match the cache.
Tensor maxpool2d_backward(const Tensor& dout, const MaxPoolCache& cache);

}  // namespace wb
