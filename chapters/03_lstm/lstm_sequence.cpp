// Exercises LstmSequenceForward and LstmBptt. Contracts and math: lstm_sequence.hpp. Grade: ./wb grade 03
#include "chapters/03_lstm/lstm_sequence.hpp"

#include "framework/linalg.hpp"

namespace wb {

LstmSequenceResult lstm_forward(const Tensor& x, const Tensor& h0, const Tensor& c0, const LstmWeights& w) {
    // TODO: for t = 0 .. T-1: (h, c) = one LSTM step on x[:, t] from the previous (h, c), starting at (h0, c0);
    //       out[:, t] = h.  Return out (B, T, H), h_n = last h, c_n = last c.
    //       Fill the whole cache: x, h0, c0, every step's activated gates (B, T, 4H), cells (B, T, H) and
    //       hidden (B, T, H, the same as out): BPTT needs them all.
    //       Calling your lstm_cell_forward per step is correct. Faster: x W_ih^T for all steps in one
    //       product of (B T, I) by (I, 4H) before the loop, so only h W_hh^T waits on the previous step.
    //       Check shapes first (ShapeError naming "lstm_forward").
    // Worked example: T = 1 gives out[:, 0] = h_n = lstm_cell_forward(x[:, 0], h0, c0, w).h
    throw NotImplemented("lstm_forward");
}

LstmSequenceGrads lstm_backward(const Tensor& dout, const Tensor& dh_n, const Tensor& dc_n,
                                const LstmSequenceCache& cache, const LstmWeights& w) {
    // TODO: dh = dh_n, dc = dc_n; for t = T-1 down to 0:
    //         step backward with dh_t = dout[:, t] + dh and dc_t = dc
    //         -> dx[:, t], and the new dh, dc flowing into step t-1; add the step's dW to the total
    //       dh0, dc0 = what flows out of step 0.  Both biases get the same gradient.
    //       Check dout (B, T, H), dh_n and dc_n (B, H) (ShapeError naming "lstm_backward").
    // Worked example: T = 1 gives the cell backward with dh = dout[:, 0] + dh_n and dc = dc_n.
    throw NotImplemented("lstm_backward");
}

}  // namespace wb
