// Reference: attention over an LSTM's states with the last state as the query.
#include "chapters/06_attention_rnn_program/attention_layer.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace wb {

LastStateAttention::LastStateAttention(int hidden, Rng& rng)
    : weight(torch_default_uniform({hidden, hidden}, hidden, rng)), weight_grad({hidden, hidden}) {}

Tensor LastStateAttention::forward(Tensor x) {
    const int H = weight.dim(0);
    require_rank("LastStateAttention::forward", "x", x, 3);
    require_shape("LastStateAttention::forward", "x", x, {-1, -1, H});
    const int N = x.dim(0), T = x.dim(1);
    const float scale = 1.0f / std::sqrt(static_cast<float>(H));
    Tensor y({N, 2 * H});
    weights_ = Tensor({N, T});
    std::vector<float> k(H), e(T);
    for (int n = 0; n < N; ++n) {
        const float* q = &x(n, T - 1, 0);
        // k = W q
        for (int i = 0; i < H; ++i) {
            k[i] = 0.0f;
            for (int j = 0; j < H; ++j) k[i] += weight(i, j) * q[j];
        }
        // e_t = h_t . k / sqrt(H), then a softmax over t (max subtracted first)
        for (int t = 0; t < T; ++t) {
            e[t] = 0.0f;
            for (int i = 0; i < H; ++i) e[t] += x(n, t, i) * k[i];
            e[t] *= scale;
        }
        const float top = *std::max_element(e.begin(), e.end());
        float total = 0.0f;
        for (int t = 0; t < T; ++t) total += weights_(n, t) = std::exp(e[t] - top);
        for (int t = 0; t < T; ++t) weights_(n, t) /= total;
        // y = [c; q] with c = sum_t a_t h_t
        for (int t = 0; t < T; ++t)
            for (int i = 0; i < H; ++i) y(n, i) += weights_(n, t) * x(n, t, i);
        std::copy_n(q, H, &y(n, H));
    }
    x_ = std::move(x);
    return y;
}

Tensor LastStateAttention::backward(Tensor dout) {
    const int N = x_.dim(0), T = x_.dim(1), H = weight.dim(0);
    require_shape("LastStateAttention::backward", "dout", dout, {N, 2 * H});
    const float scale = 1.0f / std::sqrt(static_cast<float>(H));
    Tensor dx({N, T, H});
    weight_grad = Tensor({H, H});
    std::vector<float> k(H), g(T), dk(H);
    for (int n = 0; n < N; ++n) {
        const float* q = &x_(n, T - 1, 0);
        const float* dc = &dout(n, 0);
        for (int i = 0; i < H; ++i) {
            k[i] = 0.0f;
            for (int j = 0; j < H; ++j) k[i] += weight(i, j) * q[j];
        }
        // g_t = dc . h_t;  de_t = a_t (g_t - sum_s a_s g_s)
        float mean_g = 0.0f;
        for (int t = 0; t < T; ++t) {
            g[t] = 0.0f;
            for (int i = 0; i < H; ++i) g[t] += dc[i] * x_(n, t, i);
            mean_g += weights_(n, t) * g[t];
        }
        std::fill(dk.begin(), dk.end(), 0.0f);
        for (int t = 0; t < T; ++t) {
            const float de = weights_(n, t) * (g[t] - mean_g);
            // h_t is averaged into c (a_t dc) and scored against k (de k / sqrt(H))
            for (int i = 0; i < H; ++i) {
                dx(n, t, i) += weights_(n, t) * dc[i] + de * k[i] * scale;
                dk[i] += de * x_(n, t, i) * scale;
            }
        }
        // k = W q:  dq = dout's query half + W^T dk,  dW += dk q^T; q is h_{T-1}
        for (int j = 0; j < H; ++j) {
            float dq = dout(n, H + j);
            for (int i = 0; i < H; ++i) dq += weight(i, j) * dk[i];
            dx(n, T - 1, j) += dq;
        }
        for (int i = 0; i < H; ++i)
            for (int j = 0; j < H; ++j) weight_grad(i, j) += dk[i] * q[j];
    }
    return dx;
}

}  // namespace wb
