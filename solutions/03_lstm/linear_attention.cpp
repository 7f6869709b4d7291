// Reference: causal linear attention, parallel and recurrent forms, and its backward pass.
#include "chapters/03_lstm/linear_attention.hpp"

#include <string>

namespace wb {

namespace {
/// Checks q (B, T, D), k (B, T, D), v (B, T, Dv) and returns {B, T, D, Dv}.
struct Sizes {
    int B, T, D, Dv;
};
Sizes check_inputs(const char* op, const Tensor& q, const Tensor& k, const Tensor& v) {
    require_rank(op, "q", q, 3);
    require_rank(op, "k", k, 3);
    require_rank(op, "v", v, 3);
    if (k.shape() != q.shape()) shape_mismatch(op, "q", q, "k", k, "q and k must have the same shape (B, T, D)");
    if (v.dim(0) != q.dim(0) || v.dim(1) != q.dim(1))
        shape_mismatch(op, "q", q, "v", v, "v must be (B, T, Dv) with q's B and T");
    return {q.dim(0), q.dim(1), q.dim(2), v.dim(2)};
}
}  // namespace

Tensor linear_attention_parallel(const Tensor& q, const Tensor& k, const Tensor& v) {
    const auto [B, T, D, Dv] = check_inputs("linear_attention_parallel", q, k, v);
    Tensor out({B, T, Dv});
    for (int b = 0; b < B; ++b)
        for (int t = 0; t < T; ++t)
            // o_t = sum_{s <= t} (q_t . k_s) v_s: the causal mask keeps s <= t only
            for (int s = 0; s <= t; ++s) {
                float score = 0.0f;
                for (int d = 0; d < D; ++d) score += q(b, t, d) * k(b, s, d);
                for (int e = 0; e < Dv; ++e) out(b, t, e) += score * v(b, s, e);
            }
    return out;
}

LinearAttentionRecurrentResult linear_attention_recurrent(const Tensor& q, const Tensor& k, const Tensor& v,
                                                          const Tensor& state0) {
    const char* op = "linear_attention_recurrent";
    const auto [B, T, D, Dv] = check_inputs(op, q, k, v);
    Tensor state = state0.empty() ? Tensor({B, Dv, D}) : state0;
    require_shape(op, "state0", state, {B, Dv, D});
    Tensor out({B, T, Dv});
    for (int b = 0; b < B; ++b)
        for (int t = 0; t < T; ++t) {
            // S_t = S_{t-1} + v_t k_t^T, then o_t = S_t q_t
            for (int e = 0; e < Dv; ++e)
                for (int d = 0; d < D; ++d) state(b, e, d) += v(b, t, e) * k(b, t, d);
            for (int e = 0; e < Dv; ++e) {
                float o = 0.0f;
                for (int d = 0; d < D; ++d) o += state(b, e, d) * q(b, t, d);
                out(b, t, e) = o;
            }
        }
    return {out, state};
}

LinearAttentionGrads linear_attention_backward(const Tensor& dout, const Tensor& q, const Tensor& k, const Tensor& v) {
    const char* op = "linear_attention_backward";
    const auto [B, T, D, Dv] = check_inputs(op, q, k, v);
    require_shape(op, "dout", dout, {B, T, Dv});
    LinearAttentionGrads g{Tensor({B, T, D}), Tensor({B, T, D}), Tensor({B, T, Dv})};
    for (int b = 0; b < B; ++b) {
        // forward in t: S_t = sum_{s <= t} v_s k_s^T, dq_t = S_t^T do_t
        Tensor S({Dv, D});
        for (int t = 0; t < T; ++t) {
            for (int e = 0; e < Dv; ++e)
                for (int d = 0; d < D; ++d) S(e, d) += v(b, t, e) * k(b, t, d);
            for (int d = 0; d < D; ++d)
                for (int e = 0; e < Dv; ++e) g.dq(b, t, d) += S(e, d) * dout(b, t, e);
        }
        // backward in s: R_s = sum_{t >= s} do_t q_t^T, dk_s = R_s^T v_s, dv_s = R_s k_s
        Tensor R({Dv, D});
        for (int s = T - 1; s >= 0; --s) {
            for (int e = 0; e < Dv; ++e)
                for (int d = 0; d < D; ++d) R(e, d) += dout(b, s, e) * q(b, s, d);
            for (int d = 0; d < D; ++d)
                for (int e = 0; e < Dv; ++e) g.dk(b, s, d) += R(e, d) * v(b, s, e);
            for (int e = 0; e < Dv; ++e)
                for (int d = 0; d < D; ++d) g.dv(b, s, e) += R(e, d) * k(b, s, d);
        }
    }
    return g;
}

}  // namespace wb
