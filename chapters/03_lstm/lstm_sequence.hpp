/// @file lstm_sequence.hpp
/// Exercises **LstmSequenceForward** and **LstmBptt**: an LSTM layer over a whole sequence, as
/// `torch.nn.LSTM(I, H, batch_first=True)` computes it, and backpropagation through time.
///
/// Shapes: B = batch, T = time steps, I = input features, H = hidden units.
#pragma once
#include <vector>

#include "chapters/03_lstm/lstm_cell.hpp"
#include "framework/tensor.hpp"

namespace wb {

/// What lstm_backward needs: the inputs and, per step, what that step's cell backward needs.
struct LstmSequenceCache {
    Tensor x;       ///< (B, T, I)
    Tensor h0;      ///< (B, H)
    Tensor c0;      ///< (B, H)
    Tensor gates;   ///< (B, T, 4H) the activated gates i, f, g, o of every step
    Tensor cells;   ///< (B, T, H) the cell state c_t of every step
    Tensor hidden;  ///< (B, T, H) the hidden state h_t of every step (the output)
};

/// What lstm_forward returns (PyTorch's `output, (h_n, c_n)`).
struct LstmSequenceResult {
    Tensor out;               ///< (B, T, H) h_t for every t
    Tensor h_n;               ///< (B, H) the last hidden state, equal to out[:, T-1]
    Tensor c_n;               ///< (B, H) the last cell state
    LstmSequenceCache cache;  ///< for lstm_backward
};

/// What lstm_backward returns: one gradient per input of lstm_forward.
struct LstmSequenceGrads {
    Tensor dx;           ///< (B, T, I)
    Tensor dh0;          ///< (B, H)
    Tensor dc0;          ///< (B, H)
    LstmWeightGrads dw;  ///< summed over all time steps
};

/// Runs lstm_cell_forward's equations for t = 0 .. T-1, from (h_{-1}, c_{-1}) = (h0, c0):
/// \f[ (h_t, c_t) = \operatorname{cell}(x_t, h_{t-1}, c_{t-1}). \f]
/// The same weights serve every step. Only the recurrent product \f$h_{t-1} W_{hh}^\top\f$ must wait for
/// the previous step: \f$x_t W_{ih}^\top\f$ for all t can be one product of (B T, I) by (I, 4H) up front.
/// @param x (B, T, I), T >= 1
/// @param h0 (B, H)
/// @param c0 (B, H)
/// @param w w_ih (4H, I), w_hh (4H, H), b_ih (4H), b_hh (4H)
/// @return out (B, T, H), h_n (B, H), c_n (B, H) and the cache.
/// @throws ShapeError naming "lstm_forward" and the shapes that disagree.
/// PyTorch: `out, (h_n, c_n) = nn.LSTM(I, H, batch_first=True)(x, (h0[None], c0[None]))`.
LstmSequenceResult lstm_forward(const Tensor& x, const Tensor& h0, const Tensor& c0, const LstmWeights& w);

/// Backpropagation through time. The loss may depend on every output h_t (through dout) and on
/// h_n and c_n. Walk t = T-1 down to 0, carrying the gradients that flow back from step t+1:
/// \f[ dh_t = dout_t + dh^{rec}_{t},\qquad dc_t = dc^{rec}_{t}, \f]
/// \f[ (dx_t,\ dh^{rec}_{t-1},\ dc^{rec}_{t-1},\ dW_t) = \operatorname{cell\_backward}(dh_t, dc_t), \f]
/// starting from \f$dh^{rec}_{T-1} = dh_n\f$, \f$dc^{rec}_{T-1} = dc_n\f$; then
/// \f$dW = \sum_t dW_t\f$, dh0 = \f$dh^{rec}_{-1}\f$, dc0 = \f$dc^{rec}_{-1}\f$.
/// @param dout (B, T, H) gradient w.r.t. out
/// @param dh_n (B, H) gradient w.r.t. h_n (zeros if the loss does not use it)
/// @param dc_n (B, H) gradient w.r.t. c_n (zeros if the loss does not use it)
/// @param cache from lstm_forward
/// @param w the weights passed to lstm_forward
/// @return dx (B, T, I), dh0 (B, H), dc0 (B, H) and dW summed over time.
/// @throws ShapeError naming "lstm_backward" if dout, dh_n or dc_n do not match the forward pass.
LstmSequenceGrads lstm_backward(const Tensor& dout, const Tensor& dh_n, const Tensor& dc_n,
                                const LstmSequenceCache& cache, const LstmWeights& w);

}  // namespace wb
