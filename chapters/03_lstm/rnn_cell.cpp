// Exercises RnnCellForward and RnnCellBackward. Contracts and math: rnn_cell.hpp. Grade: ./wb grade 03
#include "chapters/03_lstm/rnn_cell.hpp"

#include <cmath>

#include "framework/linalg.hpp"

namespace wb {

RnnCellResult rnn_cell_forward(const Tensor& x, const Tensor& h_prev, const RnnWeights& w) {
    // TODO: h = tanh(x W_ih^T + b_ih + h_prev W_hh^T + b_hh)   -> (B, H)
    //       Check shapes first (ShapeError naming "rnn_cell_forward"). Keep x, h_prev and h in the cache.
    // Worked example: I = H = 1, every weight 1, biases 0, x = [[1]], h_prev = [[0]] gives h = tanh(1) = 0.7616.
    throw NotImplemented("rnn_cell_forward");
}

RnnCellGrads rnn_cell_backward(const Tensor& dh, const RnnCellCache& cache, const RnnWeights& w) {
    // TODO: dz = dh * (1 - h^2), then as for any product z = x W^T + b:
    //       dx = dz W_ih, dh_prev = dz W_hh, dW_ih = dz^T x, dW_hh = dz^T h_prev, db_ih = db_hh = sum_b dz
    //       Check dh is (B, H) (ShapeError naming "rnn_cell_backward").
    throw NotImplemented("rnn_cell_backward");
}

}  // namespace wb
