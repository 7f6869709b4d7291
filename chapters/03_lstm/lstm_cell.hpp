/// @file lstm_cell.hpp
/// Exercises **LstmCellForward** and **LstmCellBackward**: one step of an LSTM, as
/// `torch.nn.LSTMCell` computes it, and its hand-written backward pass.
///
/// Shapes: B = batch, I = input features, H = hidden units. The four gates are stacked in
/// PyTorch's order **i, f, g, o** (input, forget, candidate, output): rows k*H .. (k+1)*H-1 of
/// the weights belong to gate k.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// An LSTM's parameters in PyTorch's layout (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`,
/// `bias_hh_l0`). Two biases, as PyTorch (and cuDNN) keep them: the gates see b_ih + b_hh.
/// Parameter count: 4H(I + H) + 8H (Keras keeps one bias: 4H(I + H) + 4H).
struct LstmWeights {
    Tensor w_ih;  ///< (4H, I)
    Tensor w_hh;  ///< (4H, H)
    Tensor b_ih;  ///< (4H)
    Tensor b_hh;  ///< (4H)
};

/// The gradient of the loss for each LstmWeights tensor, same shapes.
struct LstmWeightGrads {
    Tensor dw_ih;  ///< (4H, I)
    Tensor dw_hh;  ///< (4H, H)
    Tensor db_ih;  ///< (4H)
    Tensor db_hh;  ///< (4H)
};

/// Exactly what lstm_cell_backward needs, by name.
struct LstmCellCache {
    Tensor x;       ///< (B, I) the step's input
    Tensor h_prev;  ///< (B, H)
    Tensor c_prev;  ///< (B, H)
    Tensor gates;   ///< (B, 4H) the activated gates side by side: i, f, g, o (after sigmoid / tanh)
    Tensor c;       ///< (B, H) the new cell state
};

/// What lstm_cell_forward returns.
struct LstmCellResult {
    Tensor h;             ///< (B, H) new hidden state (the step's output)
    Tensor c;             ///< (B, H) new cell state
    LstmCellCache cache;  ///< for lstm_cell_backward
};

/// What lstm_cell_backward returns: one gradient per input of lstm_cell_forward.
struct LstmCellGrads {
    Tensor dx;          ///< (B, I)
    Tensor dh_prev;     ///< (B, H)
    Tensor dc_prev;     ///< (B, H)
    LstmWeightGrads dw;  ///< this step's contribution to the weight gradients
};

/// One LSTM step. With \f$z = x W_{ih}^\top + b_{ih} + h_{prev} W_{hh}^\top + b_{hh}\f$ of shape
/// (B, 4H), split into four blocks of H columns \f$z_i, z_f, z_g, z_o\f$:
/// \f[ i = \sigma(z_i),\quad f = \sigma(z_f),\quad g = \tanh(z_g),\quad o = \sigma(z_o), \f]
/// \f[ c = f \odot c_{prev} + i \odot g, \qquad h = o \odot \tanh(c). \f]
/// The gates use the sigmoid because they are valves in (0, 1); the candidate g uses tanh so the cell can
/// move both up and down; tanh(c) bounds the output even when c has grown large.
/// @param x (B, I)
/// @param h_prev (B, H)
/// @param c_prev (B, H)
/// @param w w_ih (4H, I), w_hh (4H, H), b_ih (4H), b_hh (4H)
/// @return h (B, H), c (B, H) and the cache.
/// @throws ShapeError naming "lstm_cell_forward" and the shapes that disagree.
/// PyTorch: `torch.nn.LSTMCell(I, H)(x, (h_prev, c_prev))`.
LstmCellResult lstm_cell_forward(const Tensor& x, const Tensor& h_prev, const Tensor& c_prev, const LstmWeights& w);

/// Backward pass of lstm_cell_forward, given the gradients flowing into h and into c:
/// \f[ dc_{tot} = dc + dh \odot o \odot (1 - \tanh^2 c), \qquad dc_{prev} = dc_{tot} \odot f, \f]
/// \f[ do = dh \odot \tanh c,\quad di = dc_{tot} \odot g,\quad df = dc_{tot} \odot c_{prev},\quad dg = dc_{tot} \odot i, \f]
/// through the activations (\f$\sigma' = \sigma(1 - \sigma)\f$, \f$\tanh' = 1 - \tanh^2\f$):
/// \f[ dz_i = di\, i(1 - i),\quad dz_f = df\, f(1 - f),\quad dz_g = dg\,(1 - g^2),\quad dz_o = do\, o(1 - o), \f]
/// and through the two products, with dz (B, 4H) the four blocks side by side:
/// \f[ dx = dz\, W_{ih},\quad dh_{prev} = dz\, W_{hh},\quad dW_{ih} = dz^\top x,\quad dW_{hh} = dz^\top h_{prev},\quad
///     db_{ih} = db_{hh} = \textstyle\sum_b dz. \f]
/// The path \f$dc_{prev} = dc_{tot} \odot f\f$ is the LSTM's point: multiplied by a gate, not by a weight matrix
/// and a squashing derivative, so with f near 1 the gradient survives many steps.
/// @param dh (B, H) gradient of the loss w.r.t. h
/// @param dc (B, H) gradient of the loss w.r.t. c (from the next step; zeros at the last step)
/// @param cache from lstm_cell_forward
/// @param w the weights passed to lstm_cell_forward
/// @return dx (B, I), dh_prev (B, H), dc_prev (B, H) and the weight gradients.
/// @throws ShapeError naming "lstm_cell_backward" if dh or dc is not (B, H).
LstmCellGrads lstm_cell_backward(const Tensor& dh, const Tensor& dc, const LstmCellCache& cache, const LstmWeights& w);

}  // namespace wb
