// Reference: an LSTM over a sequence (batch first, as nn.LSTM(batch_first=True)) and backpropagation
// through time. The cell's equations are lstm_cell.cpp's; what changes is where the work goes: the
// input product of every step is one matrix product before the loop, the weight gradients of every step
// one product after it, and only h_{t-1} W_hh^T and dz_t W_hh are left inside the loop over time.
#include "chapters/03_lstm/lstm_sequence.hpp"

#include <algorithm>

#include "framework/elementwise.hpp"
#include "framework/linalg.hpp"
#include "framework/rnn_kernels.hpp"

namespace wb {

LstmSequenceResult lstm_forward(const Tensor& x, const Tensor& h0, const Tensor& c0, const LstmWeights& w) {
    const char* op = "lstm_forward";
    require_rank(op, "x", x, 3);
    const int B = x.dim(0), T = x.dim(1), I = x.dim(2);
    const int H = recurrent_hidden_size(op, 4, I, w.w_ih, w.w_hh, w.b_ih, w.b_hh);
    require_shape(op, "h0", h0, {B, H});
    require_shape(op, "c0", c0, {B, H});
    const int G = 4 * H;

    // Every step's input part at once: gates[b, t] = x[b, t] W_ih^T + b_ih + b_hh   (B T, 4H)
    Tensor gates = Tensor::uninitialized({B, T, G});
    for (int r = 0; r < B * T; ++r)
        for (int j = 0; j < G; ++j) gates[static_cast<std::size_t>(r) * G + j] = w.b_ih(j) + w.b_hh(j);
    gemm(false, true, B * T, G, I, 1.0f, x.data(), w.w_ih.data(), 1.0f, gates.data());

    Tensor out = Tensor::uninitialized({B, T, H}), cells = Tensor::uninitialized({B, T, H});
    Tensor h = h0, c = c0;                    // (B, H): h_{t-1}, c_{t-1}, then h_t, c_t
    Tensor recurrent({B, G}), tanh_c({H});
    for (int t = 0; t < T; ++t) {
        // z_t = (x_t W_ih^T + b) + h_{t-1} W_hh^T
        gemm(false, true, B, G, H, 1.0f, h.data(), w.w_hh.data(), 0.0f, recurrent.data());
        for (int b = 0; b < B; ++b) {
            float* z = &gates(b, t, 0);
            for (int j = 0; j < G; ++j) z[j] += recurrent(b, j);
            // i, f = sigmoid;  g = tanh;  o = sigmoid
            sigmoid_array(z, z, 2 * H);
            tanh_array(z + 2 * H, z + 2 * H, H);
            sigmoid_array(z + 3 * H, z + 3 * H, H);
            // c_t = f c_{t-1} + i g;   h_t = o tanh(c_t)
            for (int j = 0; j < H; ++j) c(b, j) = z[H + j] * c(b, j) + z[j] * z[2 * H + j];
            tanh_array(&c(b, 0), tanh_c.data(), H);
            for (int j = 0; j < H; ++j) h(b, j) = z[3 * H + j] * tanh_c(j);
            std::copy_n(&c(b, 0), H, &cells(b, t, 0));
            std::copy_n(&h(b, 0), H, &out(b, t, 0));
        }
    }
    return {out, h, c, {x, h0, c0, std::move(gates), std::move(cells), out}};
}

LstmSequenceGrads lstm_backward(const Tensor& dout, const Tensor& dh_n, const Tensor& dc_n,
                                const LstmSequenceCache& cache, const LstmWeights& w) {
    const char* op = "lstm_backward";
    const int B = cache.x.dim(0), T = cache.x.dim(1), I = cache.x.dim(2), H = cache.h0.dim(1), G = 4 * H;
    require_shape(op, "dout", dout, {B, T, H});
    require_shape(op, "dh_n", dh_n, {B, H});
    require_shape(op, "dc_n", dc_n, {B, H});

    // dh, dc: the gradients flowing back into h_t and c_t from step t+1 (from h_n, c_n at t = T-1)
    Tensor dh = dh_n, dc = dc_n;
    Tensor dz_all = Tensor::uninitialized({B, T, G});  // dL/dz_t for every step, for the weight gradients
    Tensor dz({B, G}), tanh_c({H});
    for (int t = T - 1; t >= 0; --t) {
        for (int b = 0; b < B; ++b) {
            const float* gate = &cache.gates(b, t, 0);
            const float* c_prev = t > 0 ? &cache.cells(b, t - 1, 0) : &cache.c0(b, 0);
            tanh_array(&cache.cells(b, t, 0), tanh_c.data(), H);
            for (int j = 0; j < H; ++j) {
                const float i = gate[j], f = gate[H + j], g = gate[2 * H + j], o = gate[3 * H + j];
                // the output at t and the next step both use h_t
                const float dh_t = dout(b, t, j) + dh(b, j);
                const float dc_tot = dc(b, j) + dh_t * o * (1.0f - tanh_c(j) * tanh_c(j));
                dc(b, j) = dc_tot * f;  // into c_{t-1}: the forget gate is the only factor
                dz(b, j) = dc_tot * g * i * (1.0f - i);
                dz(b, H + j) = dc_tot * c_prev[j] * f * (1.0f - f);
                dz(b, 2 * H + j) = dc_tot * i * (1.0f - g * g);
                dz(b, 3 * H + j) = dh_t * tanh_c(j) * o * (1.0f - o);
            }
            std::copy_n(&dz(b, 0), G, &dz_all(b, t, 0));
        }
        // into h_{t-1}: dh = dz_t W_hh
        gemm(false, false, B, H, G, 1.0f, dz.data(), w.w_hh.data(), 0.0f, dh.data());
    }

    // h_{t-1} for every (b, t): h0 at t = 0, else the previous output
    Tensor h_prev = Tensor::uninitialized({B, T, H});
    for (int b = 0; b < B; ++b) {
        std::copy_n(&cache.h0(b, 0), H, &h_prev(b, 0, 0));
        if (T > 1) std::copy_n(&cache.hidden(b, 0, 0), static_cast<std::size_t>(T - 1) * H, &h_prev(b, 1, 0));
    }
    // Summed over all steps at once, as (B T, 4H) products:
    //   dx = dz W_ih,   dW_ih = dz^T x,   dW_hh = dz^T h_prev,   db_ih = db_hh = column sums of dz
    LstmSequenceGrads g{Tensor::uninitialized({B, T, I}), std::move(dh), std::move(dc),
                        {Tensor::uninitialized({G, I}), Tensor::uninitialized({G, H}), Tensor({G}), Tensor()}};
    gemm(false, false, B * T, I, G, 1.0f, dz_all.data(), w.w_ih.data(), 0.0f, g.dx.data());
    gemm(true, false, G, I, B * T, 1.0f, dz_all.data(), cache.x.data(), 0.0f, g.dw.dw_ih.data());
    gemm(true, false, G, H, B * T, 1.0f, dz_all.data(), h_prev.data(), 0.0f, g.dw.dw_hh.data());
    for (int r = 0; r < B * T; ++r)
        for (int j = 0; j < G; ++j) g.dw.db_ih(j) += dz_all[static_cast<std::size_t>(r) * G + j];
    g.dw.db_hh = g.dw.db_ih;
    return g;
}

}  // namespace wb
