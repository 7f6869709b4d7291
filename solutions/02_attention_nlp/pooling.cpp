// Reference: attention pooling, exercise 2's additive attention with a constant query, and a linear head.
#include "chapters/02_attention_nlp/pooling.hpp"

#include "framework/linalg.hpp"

namespace wb {

namespace {

// Additive attention whose query is a zero (N, 1): W_q q = 0, so the scores are u . tanh(W h_t + b).
AdditiveAttentionWeights as_additive(const AttentionPoolingWeights& w) {
    return {Tensor({w.b.dim(0), 1}), w.w, w.b, w.u};
}

void check_head(const char* op, const Tensor& states, const AttentionPoolingWeights& w) {
    require_rank(op, "states", states, 3);
    require_rank(op, "w_out", w.w_out, 2);
    const int H = states.dim(2), C = w.w_out.dim(0);
    require_shape(op, "w_out", w.w_out, {C, H});
    require_shape(op, "b_out", w.b_out, {C});
}

// logits = z W_out^T + b_out, z (N, H)
Tensor linear_head(const Tensor& z, const AttentionPoolingWeights& w) {
    const int N = z.dim(0), H = z.dim(1), C = w.w_out.dim(0);
    Tensor logits({N, C});
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c) logits(n, c) = w.b_out(c);
    gemm(false, true, N, C, H, 1.0f, z.data(), w.w_out.data(), 1.0f, logits.data());
    return logits;
}

}  // namespace

AttentionPoolingResult attention_pooling_forward(const Tensor& states, const Tensor& mask, const AttentionPoolingWeights& w) {
    check_head("attention_pooling_forward", states, w);
    const AdditiveAttentionResult pooled = additive_attention_forward(Tensor({states.dim(0), 1}), states, mask, as_additive(w));
    return {linear_head(pooled.context, w), pooled.weights};
}

AttentionPoolingGrads attention_pooling_backward(const Tensor& d_logits, const Tensor& states, const Tensor& mask,
                                                 const AttentionPoolingWeights& w) {
    check_head("attention_pooling_backward", states, w);
    const int N = states.dim(0), H = states.dim(2), C = w.w_out.dim(0);
    require_shape("attention_pooling_backward", "d_logits", d_logits, {N, C});
    const Tensor zero_query({N, 1});
    const Tensor z = additive_attention_forward(zero_query, states, mask, as_additive(w)).context;  // (N, H)
    // logits = z W_out^T + b_out:  dz = d_logits W_out,  dW_out = d_logits^T z,  db_out = column sums
    Tensor dz({N, H}), d_w_out({C, H}), d_b_out({C});
    gemm(false, false, N, H, C, 1.0f, d_logits.data(), w.w_out.data(), 0.0f, dz.data());
    gemm(true, false, C, H, N, 1.0f, d_logits.data(), z.data(), 0.0f, d_w_out.data());
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c) d_b_out(c) += d_logits(n, c);
    const AdditiveAttentionGrads a = additive_attention_backward(dz, zero_query, states, mask, as_additive(w));
    return {a.d_keys, a.d_w_k, a.d_b, a.d_v, d_w_out, d_b_out};
}

}  // namespace wb
