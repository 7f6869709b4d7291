// Reference: one LSTM step, forward and backward (PyTorch's gate order i, f, g, o; two biases).
#include "chapters/03_lstm/lstm_cell.hpp"

#include <cmath>

#include "framework/elementwise.hpp"
#include "framework/linalg.hpp"
#include "framework/rnn_kernels.hpp"

namespace wb {

LstmCellResult lstm_cell_forward(const Tensor& x, const Tensor& h_prev, const Tensor& c_prev, const LstmWeights& w) {
    const char* op = "lstm_cell_forward";
    require_rank(op, "x", x, 2);
    const int B = x.dim(0), I = x.dim(1);
    const int H = recurrent_hidden_size(op, 4, I, w.w_ih, w.w_hh, w.b_ih, w.b_hh);
    require_shape(op, "h_prev", h_prev, {B, H});
    require_shape(op, "c_prev", c_prev, {B, H});

    // z = x W_ih^T + h_prev W_hh^T + b_ih + b_hh   (B, 4H): blocks i, f, g, o of H columns each
    Tensor z({B, 4 * H});
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < 4 * H; ++j) z(b, j) = w.b_ih(j) + w.b_hh(j);
    gemm(false, true, B, 4 * H, I, 1.0f, x.data(), w.w_ih.data(), 1.0f, z.data());
    gemm(false, true, B, 4 * H, H, 1.0f, h_prev.data(), w.w_hh.data(), 1.0f, z.data());

    // i, f = sigmoid;  g = tanh;  o = sigmoid   (in place: z becomes the activated gates)
    for (int b = 0; b < B; ++b) {
        float* row = z.data() + static_cast<std::size_t>(b) * 4 * H;
        sigmoid_array(row, row, 2 * H);
        tanh_array(row + 2 * H, row + 2 * H, H);
        sigmoid_array(row + 3 * H, row + 3 * H, H);
    }

    // c = f * c_prev + i * g;   h = o * tanh(c)
    Tensor h({B, H}), c({B, H});
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < H; ++j) {
            const float i = z(b, j), f = z(b, H + j), g = z(b, 2 * H + j), o = z(b, 3 * H + j);
            c(b, j) = f * c_prev(b, j) + i * g;
            h(b, j) = o * std::tanh(c(b, j));
        }
    return {h, c, {x, h_prev, c_prev, std::move(z), c}};
}

LstmCellGrads lstm_cell_backward(const Tensor& dh, const Tensor& dc, const LstmCellCache& cache, const LstmWeights& w) {
    const char* op = "lstm_cell_backward";
    const int B = cache.x.dim(0), I = cache.x.dim(1), H = cache.c.dim(1);
    require_shape(op, "dh", dh, {B, H});
    require_shape(op, "dc", dc, {B, H});

    // Back through h = o tanh(c) and c = f c_prev + i g, then through each gate's activation:
    //   dc_tot = dc + dh o (1 - tanh^2 c)        dc_prev = dc_tot f
    //   dz_i = dc_tot g i (1 - i)   dz_f = dc_tot c_prev f (1 - f)
    //   dz_g = dc_tot i (1 - g^2)   dz_o = dh tanh(c) o (1 - o)
    Tensor dz({B, 4 * H}), dc_prev({B, H});
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < H; ++j) {
            const float i = cache.gates(b, j), f = cache.gates(b, H + j), g = cache.gates(b, 2 * H + j),
                        o = cache.gates(b, 3 * H + j);
            const float tanh_c = std::tanh(cache.c(b, j));
            const float dc_tot = dc(b, j) + dh(b, j) * o * (1.0f - tanh_c * tanh_c);
            dc_prev(b, j) = dc_tot * f;
            dz(b, j) = dc_tot * g * i * (1.0f - i);
            dz(b, H + j) = dc_tot * cache.c_prev(b, j) * f * (1.0f - f);
            dz(b, 2 * H + j) = dc_tot * i * (1.0f - g * g);
            dz(b, 3 * H + j) = dh(b, j) * tanh_c * o * (1.0f - o);
        }

    // z = x W_ih^T + h_prev W_hh^T + b:  dx = dz W_ih,  dh_prev = dz W_hh,  dW_ih = dz^T x,  dW_hh = dz^T h_prev
    LstmCellGrads g{Tensor({B, I}), Tensor({B, H}), std::move(dc_prev),
                    {Tensor({4 * H, I}), Tensor({4 * H, H}), Tensor({4 * H}), Tensor({4 * H})}};
    gemm(false, false, B, I, 4 * H, 1.0f, dz.data(), w.w_ih.data(), 0.0f, g.dx.data());
    gemm(false, false, B, H, 4 * H, 1.0f, dz.data(), w.w_hh.data(), 0.0f, g.dh_prev.data());
    gemm(true, false, 4 * H, I, B, 1.0f, dz.data(), cache.x.data(), 0.0f, g.dw.dw_ih.data());
    gemm(true, false, 4 * H, H, B, 1.0f, dz.data(), cache.h_prev.data(), 0.0f, g.dw.dw_hh.data());
    // both biases are added to z unchanged, so each gets the column sums of dz
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < 4 * H; ++j) g.dw.db_ih(j) += dz(b, j);
    g.dw.db_hh = g.dw.db_ih;
    return g;
}

}  // namespace wb
