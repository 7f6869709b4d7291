// Reference: scaled dot-product attention, forward and backward.
#include "chapters/01_attention/attention.hpp"

#include <cmath>

#include "chapters/01_attention/scores.hpp"

namespace wb {

AttentionResult attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, const Mask& mask) {
    const char* op = "attention_forward";
    require_rank(op, "q", q, 3);
    require_rank(op, "k", k, 3);
    require_rank(op, "v", v, 3);
    if (q.dim(0) != k.dim(0) || q.dim(2) != k.dim(2))
        shape_mismatch(op, "q", q, "k", k, "q (B, T, D) and k (B, S, D) need the same B and D");
    if (k.dim(0) != v.dim(0) || k.dim(1) != v.dim(1))
        shape_mismatch(op, "k", k, "v", v, "k (B, S, D) and v (B, S, Dv) need the same B and S");
    const int B = q.dim(0), T = q.dim(1), S = k.dim(1), Dv = v.dim(2);

    // P = softmax(Q K^T / sqrt(D)) with blocked pairs removed
    Tensor weights = masked_softmax(scaled_dot_scores(q, k), mask);

    // O = P V: out[b, t] = sum_s P[b, t, s] v[b, s]
    Tensor out({B, T, Dv});
    for (int b = 0; b < B; ++b)
        for (int t = 0; t < T; ++t)
            for (int s = 0; s < S; ++s) {
                const float p = weights(b, t, s);
                for (int d = 0; d < Dv; ++d) out(b, t, d) += p * v(b, s, d);
            }
    return {std::move(out), {q, k, v, std::move(weights)}};
}

AttentionGrads attention_backward(const Tensor& dout, const AttentionCache& c) {
    const int B = c.q.dim(0), T = c.q.dim(1), D = c.q.dim(2), S = c.k.dim(1), Dv = c.v.dim(2);
    require_shape("attention_backward", "dout", dout, {B, T, Dv});
    const float scale = 1.0f / std::sqrt(static_cast<float>(D));
    AttentionGrads g{Tensor(c.q.shape()), Tensor(c.k.shape()), Tensor(c.v.shape())};
    Tensor dp({S}), dz({S});
    for (int b = 0; b < B; ++b)
        for (int t = 0; t < T; ++t) {
            // O = P V  =>  dV[s] += P[t, s] dO[t],  dP[t, s] = dO[t] . V[s]
            for (int s = 0; s < S; ++s) {
                const float p = c.weights(b, t, s);
                float dot = 0.0f;
                for (int d = 0; d < Dv; ++d) {
                    g.dv(b, s, d) += p * dout(b, t, d);
                    dot += dout(b, t, d) * c.v(b, s, d);
                }
                dp(s) = dot;
            }
            // softmax rows: dZ[t, s] = P[t, s] (dP[t, s] - sum_s' dP[t, s'] P[t, s'])
            float row = 0.0f;
            for (int s = 0; s < S; ++s) row += dp(s) * c.weights(b, t, s);
            for (int s = 0; s < S; ++s) dz(s) = c.weights(b, t, s) * (dp(s) - row);
            // Z = Q K^T / sqrt(D)  =>  dQ[t] = sum_s dZ[t, s] K[s] / sqrt(D),  dK[s] += dZ[t, s] Q[t] / sqrt(D)
            for (int s = 0; s < S; ++s) {
                const float w = dz(s) * scale;
                for (int d = 0; d < D; ++d) {
                    g.dq(b, t, d) += w * c.k(b, s, d);
                    g.dk(b, s, d) += w * c.q(b, t, d);
                }
            }
        }
    return g;
}

}  // namespace wb
