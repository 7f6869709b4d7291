// Reference: scaled dot-product attention, forward and backward.
#include "chapters/01_attention/attention.hpp"

#include <cmath>

#include "chapters/01_attention/scores.hpp"
#include "framework/linalg.hpp"
#include "framework/parallel.hpp"

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

    // O = P V: out[b, t] = sum_s P[b, t, s] v[b, s], one (T, S) x (S, Dv) product per sequence b
    Tensor out = Tensor::uninitialized({B, T, Dv});
    parallel_for(B, static_cast<double>(T) * S * Dv, [&](int first, int last) {
        for (int b = first; b < last; ++b)
            gemm(false, false, T, Dv, S, 1.0f, &weights(b, 0, 0), &v(b, 0, 0), 0.0f, &out(b, 0, 0));
    });
    return {std::move(out), {q, k, v, std::move(weights)}};
}

AttentionGrads attention_backward(const Tensor& dout, const AttentionCache& c) {
    const int B = c.q.dim(0), T = c.q.dim(1), D = c.q.dim(2), S = c.k.dim(1), Dv = c.v.dim(2);
    require_shape("attention_backward", "dout", dout, {B, T, Dv});
    const float scale = 1.0f / std::sqrt(static_cast<float>(D));
    AttentionGrads g{Tensor::uninitialized(c.q.shape()), Tensor::uninitialized(c.k.shape()),
                     Tensor::uninitialized(c.v.shape())};
    parallel_for(B, 2.0 * T * S * (D + Dv), [&](int first, int last) {
        Tensor dz({T, S});  // dP, then dZ, of one sequence
        for (int b = first; b < last; ++b) {
            const float* p = &c.weights(b, 0, 0);
            // O = P V  =>  dV = P^T dO,  dP = dO V^T
            gemm(true, false, S, Dv, T, 1.0f, p, &dout(b, 0, 0), 0.0f, &g.dv(b, 0, 0));
            gemm(false, true, T, S, Dv, 1.0f, &dout(b, 0, 0), &c.v(b, 0, 0), 0.0f, dz.data());
            // softmax rows: dZ[t, s] = P[t, s] (dP[t, s] - sum_s' dP[t, s'] P[t, s'])
            for (int t = 0; t < T; ++t) {
                float row = 0.0f;
                for (int s = 0; s < S; ++s) row += dz(t, s) * p[t * S + s];
                for (int s = 0; s < S; ++s) dz(t, s) = p[t * S + s] * (dz(t, s) - row);
            }
            // Z = Q K^T / sqrt(D)  =>  dQ = dZ K / sqrt(D),  dK = dZ^T Q / sqrt(D)
            gemm(false, false, T, D, S, scale, dz.data(), &c.k(b, 0, 0), 0.0f, &g.dq(b, 0, 0));
            gemm(true, false, S, D, T, scale, dz.data(), &c.q(b, 0, 0), 0.0f, &g.dk(b, 0, 0));
        }
    });
    return g;
}

}  // namespace wb
