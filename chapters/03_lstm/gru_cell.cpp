// Exercises GruCellForward and GruCellBackward. Contracts and formulas: gru_cell.hpp. Grade: ./wb grade 03
#include "chapters/03_lstm/gru_cell.hpp"

#include "framework/errors.hpp"

namespace wb {

GruCellResult gru_cell_forward(const Tensor& x, const Tensor& h_prev, const GruWeights& w) {
    // TODO: with H = w.w_hh.dim(1), the pre-activations gx = x W_ih^T + b_ih and gh = h_prev W_hh^T + b_hh
    //       (both (B, 3H), blocks r, z, n); r = sigmoid(gx_r + gh_r), z = sigmoid(gx_z + gh_z),
    //       n = tanh(gx_n + r * gh_n), h = (1 - z) * n + z * h_prev. Keep gh_n: it is the cache's hn.
    //       Check the shapes (recurrent_hidden_size in framework/rnn_kernels.hpp does the weights, 3 gates).
    // Worked example: I = H = 1, every weight 0, every bias 0: r = z = 0.5, n = 0, h = 0.5 h_prev.
    throw NotImplemented("gru_cell_forward");
}

GruCellGrads gru_cell_backward(const Tensor& dh, const GruCellCache& cache, const GruWeights& w) {
    // TODO: check that dh is (B, H) (ShapeError naming "gru_cell_backward"), then
    //       dn = dh (1 - z), dz = dh (h_prev - n); da_n = dn (1 - n^2); dr = da_n * hn;
    //       da_r = dr r (1 - r); da_z = dz z (1 - z).
    //       Input side: G_x = [da_r, da_z, da_n] (B, 3H): dx = G_x W_ih, dW_ih = G_x^T x, db_ih = column sums.
    //       Hidden side: G_h = [da_r, da_z, da_n * r]: dh_prev = dh z + G_h W_hh, dW_hh = G_h^T h_prev, db_hh.
    throw NotImplemented("gru_cell_backward");
}

}  // namespace wb
