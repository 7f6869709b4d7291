// Reference: one step of a GRU (PyTorch's convention), forward and backward.
#include "chapters/03_lstm/gru_cell.hpp"

#include "framework/elementwise.hpp"
#include "framework/linalg.hpp"
#include "framework/rnn_kernels.hpp"

namespace wb {

GruCellResult gru_cell_forward(const Tensor& x, const Tensor& h_prev, const GruWeights& w) {
    const char* op = "gru_cell_forward";
    require_rank(op, "x", x, 2);
    const int B = x.dim(0), I = x.dim(1);
    const int H = recurrent_hidden_size(op, 3, I, w.w_ih, w.w_hh, w.b_ih, w.b_hh);
    require_shape(op, "h_prev", h_prev, {B, H});

    // gx = x W_ih^T + b_ih and gh = h_prev W_hh^T + b_hh, each (B, 3H) in blocks r, z, n
    Tensor gx({B, 3 * H}), gh({B, 3 * H});
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < 3 * H; ++j) {
            gx(b, j) = w.b_ih(j);
            gh(b, j) = w.b_hh(j);
        }
    gemm(false, true, B, 3 * H, I, 1.0f, x.data(), w.w_ih.data(), 1.0f, gx.data());
    gemm(false, true, B, 3 * H, H, 1.0f, h_prev.data(), w.w_hh.data(), 1.0f, gh.data());

    GruCellCache cache{x, h_prev, Tensor({B, H}), Tensor({B, H}), Tensor({B, H}), Tensor({B, H})};
    // r = sigma(gx_r + gh_r), z = sigma(gx_z + gh_z), hn = gh_n
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < H; ++j) {
            cache.r(b, j) = gx(b, j) + gh(b, j);
            cache.z(b, j) = gx(b, H + j) + gh(b, H + j);
            cache.hn(b, j) = gh(b, 2 * H + j);
        }
    sigmoid_array(cache.r.data(), cache.r.data(), B * H);
    sigmoid_array(cache.z.data(), cache.z.data(), B * H);
    // n = tanh(gx_n + r * hn)
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < H; ++j) cache.n(b, j) = gx(b, 2 * H + j) + cache.r(b, j) * cache.hn(b, j);
    tanh_array(cache.n.data(), cache.n.data(), B * H);
    // h = (1 - z) n + z h_prev
    Tensor h({B, H});
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < H; ++j) h(b, j) = (1.0f - cache.z(b, j)) * cache.n(b, j) + cache.z(b, j) * h_prev(b, j);
    return {h, std::move(cache)};
}

GruCellGrads gru_cell_backward(const Tensor& dh, const GruCellCache& cache, const GruWeights& w) {
    const int B = cache.x.dim(0), I = cache.x.dim(1), H = cache.h_prev.dim(1);
    require_shape("gru_cell_backward", "dh", dh, {B, H});

    // the gradients of the two pre-activations gx and gh: input side [da_r, da_z, da_n], hidden side
    // [da_r, da_z, da_n * r]
    Tensor dgx({B, 3 * H}), dgh({B, 3 * H});
    GruCellGrads g{Tensor({B, I}), Tensor({B, H}), {Tensor({3 * H, I}), Tensor({3 * H, H}), Tensor({3 * H}), Tensor({3 * H})}};
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < H; ++j) {
            const float r = cache.r(b, j), z = cache.z(b, j), n = cache.n(b, j);
            const float dn = dh(b, j) * (1.0f - z);              // h = (1 - z) n + z h_prev
            const float dz = dh(b, j) * (cache.h_prev(b, j) - n);
            const float da_n = dn * (1.0f - n * n);              // n = tanh(a_n)
            const float dr = da_n * cache.hn(b, j);              // a_n = gx_n + r hn
            dgx(b, j) = dgh(b, j) = dr * r * (1.0f - r);           // r = sigma(a_r)
            dgx(b, H + j) = dgh(b, H + j) = dz * z * (1.0f - z);   // z = sigma(a_z)
            dgx(b, 2 * H + j) = da_n;
            dgh(b, 2 * H + j) = da_n * r;
            g.dh_prev(b, j) = dh(b, j) * z;                      // the direct path through z h_prev
        }
    // gx = x W_ih^T + b_ih:  dx = dgx W_ih,  dW_ih = dgx^T x,  db_ih = column sums of dgx
    // gh = h_prev W_hh^T + b_hh:  dh_prev += dgh W_hh,  dW_hh = dgh^T h_prev,  db_hh = column sums of dgh
    gemm(false, false, B, I, 3 * H, 1.0f, dgx.data(), w.w_ih.data(), 0.0f, g.dx.data());
    gemm(false, false, B, H, 3 * H, 1.0f, dgh.data(), w.w_hh.data(), 1.0f, g.dh_prev.data());
    gemm(true, false, 3 * H, I, B, 1.0f, dgx.data(), cache.x.data(), 0.0f, g.dw.dw_ih.data());
    gemm(true, false, 3 * H, H, B, 1.0f, dgh.data(), cache.h_prev.data(), 0.0f, g.dw.dw_hh.data());
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < 3 * H; ++j) {
            g.dw.db_ih(j) += dgx(b, j);
            g.dw.db_hh(j) += dgh(b, j);
        }
    return g;
}

}  // namespace wb
