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
        for (int j = 0; j < 3 * H; ++j) gx(b, j) = w.b_ih(j), gh(b, j) = w.b_hh(j);
    gemm(false, true, B, 3 * H, I, 1.0f, x.data(), w.w_ih.data(), 1.0f, gx.data());
    gemm(false, true, B, 3 * H, H, 1.0f, h_prev.data(), w.w_hh.data(), 1.0f, gh.data());

    // r = sigma(gx_r + gh_r), z = sigma(gx_z + gh_z), n = tanh(gx_n + r * gh_n)   (in place in gx)
    for (int b = 0; b < B; ++b) {
        float* a = &gx(b, 0);
        const float* hidden = &gh(b, 0);
        for (int j = 0; j < 2 * H; ++j) a[j] += hidden[j];
        sigmoid_array(a, a, 2 * H);
        for (int j = 0; j < H; ++j) a[2 * H + j] += a[j] * hidden[2 * H + j];
        tanh_array(a + 2 * H, a + 2 * H, H);
    }
    // h = (1 - z) n + z h_prev
    GruCellCache cache{x, h_prev, Tensor({B, H}), Tensor({B, H}), Tensor({B, H}), Tensor({B, H})};
    Tensor h({B, H});
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < H; ++j) {
            const float r = gx(b, j), z = gx(b, H + j), n = gx(b, 2 * H + j);
            h(b, j) = (1.0f - z) * n + z * h_prev(b, j);
            cache.r(b, j) = r, cache.z(b, j) = z, cache.n(b, j) = n, cache.hn(b, j) = gh(b, 2 * H + j);
        }
    return {h, std::move(cache)};
}

GruCellGrads gru_cell_backward(const Tensor& dh, const GruCellCache& cache, const GruWeights& w) {
    const int B = cache.x.dim(0), I = cache.x.dim(1), H = cache.h_prev.dim(1);
    require_shape("gru_cell_backward", "dh", dh, {B, H});

    // pre-activation gradients: input side [da_r, da_z, da_n], hidden side [da_r, da_z, da_n * r]
    Tensor gx({B, 3 * H}), gh({B, 3 * H});
    GruCellGrads g{Tensor({B, I}), Tensor({B, H}), {Tensor({3 * H, I}), Tensor({3 * H, H}), Tensor({3 * H}), Tensor({3 * H})}};
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < H; ++j) {
            const float r = cache.r(b, j), z = cache.z(b, j), n = cache.n(b, j);
            const float dn = dh(b, j) * (1.0f - z);              // h = (1 - z) n + z h_prev
            const float dz = dh(b, j) * (cache.h_prev(b, j) - n);
            const float da_n = dn * (1.0f - n * n);              // n = tanh(a_n)
            const float dr = da_n * cache.hn(b, j);              // a_n = gx_n + r hn
            gx(b, j) = gh(b, j) = dr * r * (1.0f - r);           // r = sigma(a_r)
            gx(b, H + j) = gh(b, H + j) = dz * z * (1.0f - z);   // z = sigma(a_z)
            gx(b, 2 * H + j) = da_n;
            gh(b, 2 * H + j) = da_n * r;
            g.dh_prev(b, j) = dh(b, j) * z;                      // the direct path through z h_prev
        }
    // gx = x W_ih^T + b_ih:  dx = gx W_ih, dW_ih = gx^T x;  gh = h_prev W_hh^T + b_hh: dh_prev += gh W_hh, dW_hh = gh^T h_prev
    gemm(false, false, B, I, 3 * H, 1.0f, gx.data(), w.w_ih.data(), 0.0f, g.dx.data());
    gemm(false, false, B, H, 3 * H, 1.0f, gh.data(), w.w_hh.data(), 1.0f, g.dh_prev.data());
    gemm(true, false, 3 * H, I, B, 1.0f, gx.data(), cache.x.data(), 0.0f, g.dw.dw_ih.data());
    gemm(true, false, 3 * H, H, B, 1.0f, gh.data(), cache.h_prev.data(), 0.0f, g.dw.dw_hh.data());
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < 3 * H; ++j) g.dw.db_ih(j) += gx(b, j), g.dw.db_hh(j) += gh(b, j);
    return g;
}

}  // namespace wb
