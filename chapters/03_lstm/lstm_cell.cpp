// Exercises LstmCellForward and LstmCellBackward. Contracts and math: lstm_cell.hpp. Grade: ./wb grade 03
#include "chapters/03_lstm/lstm_cell.hpp"

#include <cmath>

#include "framework/linalg.hpp"

namespace wb {

LstmCellResult lstm_cell_forward(const Tensor& x, const Tensor& h_prev, const Tensor& c_prev, const LstmWeights& w) {
    // TODO: H = w.w_hh.dim(1). Check shapes first: a ShapeError names "lstm_cell_forward" (require_shape).
    //       z = x W_ih^T + b_ih + h_prev W_hh^T + b_hh           -> (B, 4H)  (wb::gemm, or loops)
    //       columns [0, H): i = sigmoid   [H, 2H): f = sigmoid
    //               [2H, 3H): g = tanh    [3H, 4H): o = sigmoid
    //       c = f * c_prev + i * g,   h = o * tanh(c)             -> (B, H) each
    // Worked example: all weights and biases 0 give i = f = o = 0.5, g = 0, so c = 0.5 c_prev and
    // h = 0.5 tanh(0.5 c_prev).
    // Keep x, h_prev, c_prev, the activated gates and c in the cache: backward needs them.
    throw NotImplemented("lstm_cell_forward");
}

LstmCellGrads lstm_cell_backward(const Tensor& dh, const Tensor& dc, const LstmCellCache& cache, const LstmWeights& w) {
    // TODO: from the cached gates i, f, g, o and c:
    //       dc_tot = dc + dh * o * (1 - tanh(c)^2)     (c feeds h and the next step)
    //       dc_prev = dc_tot * f
    //       dz_i = dc_tot * g * i(1 - i)      dz_f = dc_tot * c_prev * f(1 - f)
    //       dz_g = dc_tot * i * (1 - g^2)     dz_o = dh * tanh(c) * o(1 - o)
    //       dx = dz W_ih, dh_prev = dz W_hh, dW_ih = dz^T x, dW_hh = dz^T h_prev, db_ih = db_hh = sum_b dz
    //       Check dh and dc are (B, H) (ShapeError naming "lstm_cell_backward").
    throw NotImplemented("lstm_cell_backward");
}

}  // namespace wb
