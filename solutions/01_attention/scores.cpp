// Reference: dot, scaled-dot and additive attention scores.
#include "chapters/01_attention/scores.hpp"

#include <cmath>

#include "framework/linalg.hpp"
#include "framework/parallel.hpp"

namespace wb {

// q (B, T, D) and k (B, S, D) must agree on B and D.
static void check_query_key(const char* op, const Tensor& q, const Tensor& k) {
    require_rank(op, "q", q, 3);
    require_rank(op, "k", k, 3);
    if (q.dim(0) != k.dim(0)) shape_mismatch(op, "q", q, "k", k, "batch sizes (dim 0) differ");
    if (q.dim(2) != k.dim(2)) shape_mismatch(op, "q", q, "k", k, "feature sizes (dim 2) differ");
}

// e[b, t, s] = scale * sum_d q[b, t, d] k[b, s, d]: per sequence b, E_b = scale Q_b K_b^T
static Tensor scaled_products(const Tensor& q, const Tensor& k, float scale) {
    const int B = q.dim(0), T = q.dim(1), S = k.dim(1), D = q.dim(2);
    Tensor e = Tensor::uninitialized({B, T, S});
    parallel_for(B, static_cast<double>(T) * S * D, [&](int first, int last) {
        for (int b = first; b < last; ++b)
            gemm(false, true, T, S, D, scale, &q(b, 0, 0), &k(b, 0, 0), 0.0f, &e(b, 0, 0));
    });
    return e;
}

Tensor dot_scores(const Tensor& q, const Tensor& k) {
    check_query_key("dot_scores", q, k);
    return scaled_products(q, k, 1.0f);
}

Tensor scaled_dot_scores(const Tensor& q, const Tensor& k) {
    check_query_key("scaled_dot_scores", q, k);
    // var(q . k) = D for unit-variance entries; 1/sqrt(D) brings it back to 1
    return scaled_products(q, k, 1.0f / std::sqrt(static_cast<float>(q.dim(2))));
}

Tensor additive_scores(const Tensor& q, const Tensor& k, const AdditiveWeights& w) {
    const char* op = "additive_scores";
    require_rank(op, "q", q, 3);
    require_rank(op, "k", k, 3);
    require_rank(op, "w.w_q", w.w_q, 2);
    require_rank(op, "w.w_k", w.w_k, 2);
    require_rank(op, "w.v", w.v, 1);
    if (q.dim(0) != k.dim(0)) shape_mismatch(op, "q", q, "k", k, "batch sizes (dim 0) differ");
    if (w.w_q.dim(1) != q.dim(2)) shape_mismatch(op, "w.w_q", w.w_q, "q", q, "w_q must be (A, Dq)");
    if (w.w_k.dim(1) != k.dim(2)) shape_mismatch(op, "w.w_k", w.w_k, "k", k, "w_k must be (A, Dk)");
    if (w.w_k.dim(0) != w.w_q.dim(0)) shape_mismatch(op, "w.w_q", w.w_q, "w.w_k", w.w_k, "hidden sizes A differ");
    if (w.v.dim(0) != w.w_q.dim(0)) shape_mismatch(op, "w.w_q", w.w_q, "w.v", w.v, "v must be (A)");
    const int B = q.dim(0), T = q.dim(1), S = k.dim(1), A = w.w_q.dim(0);

    // Project once: qp[b, t] = W_q q[b, t], kp[b, s] = W_k k[b, s]  -> (B, T, A), (B, S, A)
    auto project = [](const Tensor& x, const Tensor& W) {
        const int n = x.dim(0), len = x.dim(1), in = x.dim(2), out = W.dim(0);
        Tensor y({n, len, out});
        for (int b = 0; b < n; ++b)
            for (int i = 0; i < len; ++i)
                for (int a = 0; a < out; ++a) {
                    float sum = 0.0f;
                    for (int d = 0; d < in; ++d) sum += W(a, d) * x(b, i, d);
                    y(b, i, a) = sum;
                }
        return y;
    };
    const Tensor qp = project(q, w.w_q), kp = project(k, w.w_k);

    // e[b, t, s] = v . tanh(qp[b, t] + kp[b, s])
    Tensor e({B, T, S});
    for (int b = 0; b < B; ++b)
        for (int t = 0; t < T; ++t)
            for (int s = 0; s < S; ++s) {
                float sum = 0.0f;
                for (int a = 0; a < A; ++a) sum += w.v(a) * std::tanh(qp(b, t, a) + kp(b, s, a));
                e(b, t, s) = sum;
            }
    return e;
}

}  // namespace wb
