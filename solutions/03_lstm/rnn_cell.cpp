// Reference: one step of a plain (Elman) RNN with tanh, forward and backward.
#include "chapters/03_lstm/rnn_cell.hpp"

#include "framework/elementwise.hpp"
#include "framework/linalg.hpp"
#include "framework/rnn_kernels.hpp"

namespace wb {

RnnCellResult rnn_cell_forward(const Tensor& x, const Tensor& h_prev, const RnnWeights& w) {
    const char* op = "rnn_cell_forward";
    require_rank(op, "x", x, 2);
    const int B = x.dim(0), I = x.dim(1);
    const int H = recurrent_hidden_size(op, 1, I, w.w_ih, w.w_hh, w.b_ih, w.b_hh);
    require_shape(op, "h_prev", h_prev, {B, H});

    // h = tanh(x W_ih^T + b_ih + h_prev W_hh^T + b_hh)
    Tensor h({B, H});
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < H; ++j) h(b, j) = w.b_ih(j) + w.b_hh(j);
    gemm(false, true, B, H, I, 1.0f, x.data(), w.w_ih.data(), 1.0f, h.data());
    gemm(false, true, B, H, H, 1.0f, h_prev.data(), w.w_hh.data(), 1.0f, h.data());
    tanh_array(h.data(), h.data(), B * H);
    return {h, {x, h_prev, h}};
}

RnnCellGrads rnn_cell_backward(const Tensor& dh, const RnnCellCache& cache, const RnnWeights& w) {
    const int B = cache.x.dim(0), I = cache.x.dim(1), H = cache.h.dim(1);
    require_shape("rnn_cell_backward", "dh", dh, {B, H});

    // through tanh: dz = dh (1 - h^2)
    Tensor dz({B, H});
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < H; ++j) dz(b, j) = dh(b, j) * (1.0f - cache.h(b, j) * cache.h(b, j));

    // z = x W_ih^T + h_prev W_hh^T + b:  dx = dz W_ih,  dh_prev = dz W_hh,  dW_ih = dz^T x,  dW_hh = dz^T h_prev
    RnnCellGrads g{Tensor({B, I}), Tensor({B, H}), {Tensor({H, I}), Tensor({H, H}), Tensor({H}), Tensor()}};
    gemm(false, false, B, I, H, 1.0f, dz.data(), w.w_ih.data(), 0.0f, g.dx.data());
    gemm(false, false, B, H, H, 1.0f, dz.data(), w.w_hh.data(), 0.0f, g.dh_prev.data());
    gemm(true, false, H, I, B, 1.0f, dz.data(), cache.x.data(), 0.0f, g.dw.dw_ih.data());
    gemm(true, false, H, H, B, 1.0f, dz.data(), cache.h_prev.data(), 0.0f, g.dw.dw_hh.data());
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < H; ++j) g.dw.db_ih(j) += dz(b, j);
    g.dw.db_hh = g.dw.db_ih;
    return g;
}

}  // namespace wb
