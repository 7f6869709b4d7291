/// @file gru_cell.hpp
/// Exercises **GruCellForward** and **GruCellBackward**: one step of a gated recurrent unit (Cho et al., 2014),
/// as `torch.nn.GRUCell` computes it: the LSTM's interview rival, with three gate blocks instead of four and no
/// separate cell state.
///
/// Shapes: B = batch, I = input features, H = hidden units.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// A GRU's parameters in PyTorch's layout (`weight_ih_l0`, ...): the three blocks stacked as rows r, z, n
/// (reset, update, candidate). Count: 3H(I + H) + 6H, two bias vectors as in PyTorch (Keras's default
/// `reset_after=True` keeps two as well).
struct GruWeights {
    Tensor w_ih;  ///< (3H, I): rows [0, H) r, [H, 2H) z, [2H, 3H) n
    Tensor w_hh;  ///< (3H, H), same row blocks
    Tensor b_ih;  ///< (3H)
    Tensor b_hh;  ///< (3H)
};

/// The gradient of the loss for each GruWeights tensor, same shapes.
struct GruWeightGrads {
    Tensor dw_ih;  ///< (3H, I)
    Tensor dw_hh;  ///< (3H, H)
    Tensor db_ih;  ///< (3H)
    Tensor db_hh;  ///< (3H)
};

/// Exactly what gru_cell_backward needs.
struct GruCellCache {
    Tensor x;       ///< (B, I)
    Tensor h_prev;  ///< (B, H)
    Tensor r;       ///< (B, H) reset gate
    Tensor z;       ///< (B, H) update gate
    Tensor n;       ///< (B, H) candidate state
    Tensor hn;      ///< (B, H) \f$h_{prev} W_{hn}^\top + b_{hn}\f$, what the reset gate multiplies
};

/// What gru_cell_forward returns.
struct GruCellResult {
    Tensor h;            ///< (B, H)
    GruCellCache cache;  ///< for gru_cell_backward
};

/// What gru_cell_backward returns.
struct GruCellGrads {
    Tensor dx;          ///< (B, I)
    Tensor dh_prev;     ///< (B, H)
    GruWeightGrads dw;  ///< this step's contribution
};

/// One GRU step (PyTorch's convention: the reset gate multiplies the hidden part *after* its projection):
/// \f[ r = \sigma(x W_{ir}^\top + b_{ir} + h_{prev} W_{hr}^\top + b_{hr}), \qquad
///     z = \sigma(x W_{iz}^\top + b_{iz} + h_{prev} W_{hz}^\top + b_{hz}), \f]
/// \f[ n = \tanh\big(x W_{in}^\top + b_{in} + r \odot (h_{prev} W_{hn}^\top + b_{hn})\big), \qquad
///     h = (1 - z) \odot n + z \odot h_{prev}. \f]
/// An update gate z near 1 keeps the old state (the LSTM's forget gate and input gate tied as f = z,
/// i = 1 - z); r near 0 lets the candidate ignore the past.
/// @param x (B, I)
/// @param h_prev (B, H)
/// @param w w_ih (3H, I), w_hh (3H, H), b_ih (3H), b_hh (3H), blocks r, z, n
/// @return h (B, H) and the cache.
/// @throws ShapeError naming "gru_cell_forward" and the shapes that disagree.
/// PyTorch: `torch.nn.GRUCell(I, H)(x, h_prev)`.
GruCellResult gru_cell_forward(const Tensor& x, const Tensor& h_prev, const GruWeights& w);

/// Backward pass of gru_cell_forward. From dh, through the blend, the candidate's tanh, the reset gate and
/// the two sigmoids:
/// \f[ dn = dh \odot (1 - z), \quad dz = dh \odot (h_{prev} - n), \quad
///     da_n = dn \odot (1 - n^2), \quad dr = da_n \odot hn, \f]
/// \f[ da_r = dr \odot r (1 - r), \quad da_z = dz \odot z (1 - z). \f]
/// The input side's pre-activation gradient is \f$[da_r, da_z, da_n]\f$ (B, 3H); the hidden side's is
/// \f$[da_r, da_z, da_n \odot r]\f$, because r scales the hidden candidate term. Then
/// \f$dx = [\cdot]_{in} W_{ih}\f$, \f$dW_{ih} = [\cdot]_{in}^\top x\f$, \f$db_{ih}\f$ its column sums;
/// \f$dh_{prev} = dh \odot z + [\cdot]_{h} W_{hh}\f$, \f$dW_{hh} = [\cdot]_{h}^\top h_{prev}\f$, \f$db_{hh}\f$ its column sums.
/// @param dh (B, H) gradient of the loss w.r.t. h
/// @param cache from gru_cell_forward
/// @param w the weights passed to gru_cell_forward
/// @return dx (B, I), dh_prev (B, H) and the weight gradients.
/// @throws ShapeError naming "gru_cell_backward" if dh is not (B, H).
GruCellGrads gru_cell_backward(const Tensor& dh, const GruCellCache& cache, const GruWeights& w);

}  // namespace wb
