/// @file rnn_cell.hpp
/// Exercises **RnnCellForward** and **RnnCellBackward**: one step of a plain (Elman) RNN, as
/// `torch.nn.RNNCell` computes it with its default tanh, for comparison with the LSTM.
///
/// Shapes: B = batch, I = input features, H = hidden units.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// An Elman RNN's parameters in PyTorch's layout (`weight_ih_l0`, ...). Count: H(I + H) + 2H.
struct RnnWeights {
    Tensor w_ih;  ///< (H, I)
    Tensor w_hh;  ///< (H, H)
    Tensor b_ih;  ///< (H)
    Tensor b_hh;  ///< (H)
};

/// The gradient of the loss for each RnnWeights tensor, same shapes.
struct RnnWeightGrads {
    Tensor dw_ih;  ///< (H, I)
    Tensor dw_hh;  ///< (H, H)
    Tensor db_ih;  ///< (H)
    Tensor db_hh;  ///< (H)
};

/// Exactly what rnn_cell_backward needs.
struct RnnCellCache {
    Tensor x;       ///< (B, I)
    Tensor h_prev;  ///< (B, H)
    Tensor h;       ///< (B, H) the new state, tanh of the pre-activation
};

/// What rnn_cell_forward returns.
struct RnnCellResult {
    Tensor h;            ///< (B, H)
    RnnCellCache cache;  ///< for rnn_cell_backward
};

/// What rnn_cell_backward returns.
struct RnnCellGrads {
    Tensor dx;          ///< (B, I)
    Tensor dh_prev;     ///< (B, H)
    RnnWeightGrads dw;  ///< this step's contribution
};

/// One Elman step: \f[ h = \tanh\big(x W_{ih}^\top + b_{ih} + h_{prev} W_{hh}^\top + b_{hh}\big). \f]
/// @param x (B, I)
/// @param h_prev (B, H)
/// @param w w_ih (H, I), w_hh (H, H), b_ih (H), b_hh (H)
/// @return h (B, H) and the cache.
/// @throws ShapeError naming "rnn_cell_forward" and the shapes that disagree.
/// PyTorch: `torch.nn.RNNCell(I, H)(x, h_prev)`.
RnnCellResult rnn_cell_forward(const Tensor& x, const Tensor& h_prev, const RnnWeights& w);

/// Backward pass of rnn_cell_forward. With \f$dz = dh \odot (1 - h^2)\f$:
/// \f[ dx = dz\, W_{ih},\quad dh_{prev} = dz\, W_{hh},\quad dW_{ih} = dz^\top x,\quad dW_{hh} = dz^\top h_{prev},\quad
///     db_{ih} = db_{hh} = \textstyle\sum_b dz. \f]
/// Over T steps the gradient reaching \f$h_0\f$ is a product of T factors
/// \f$\operatorname{diag}(1 - h_t^2)\, W_{hh}\f$: it shrinks or grows geometrically (vanishing or
/// exploding gradients), which is what the LSTM's cell path avoids.
/// @param dh (B, H) gradient of the loss w.r.t. h
/// @param cache from rnn_cell_forward
/// @param w the weights passed to rnn_cell_forward
/// @return dx (B, I), dh_prev (B, H) and the weight gradients.
/// @throws ShapeError naming "rnn_cell_backward" if dh is not (B, H).
RnnCellGrads rnn_cell_backward(const Tensor& dh, const RnnCellCache& cache, const RnnWeights& w);

}  // namespace wb
