// Reference: additive (Bahdanau) attention with a padding mask, forward and backward.
#include "chapters/02_attention_nlp/additive_attention.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace wb {

namespace {

// Checks every shape against the query (N, Q), the keys (N, T, H) and w_q (A, Q).
void check_shapes(const char* op, const Tensor& query, const Tensor& keys, const Tensor& mask,
                  const AdditiveAttentionWeights& w) {
    require_rank(op, "query", query, 2);
    require_rank(op, "keys", keys, 3);
    require_rank(op, "w_q", w.w_q, 2);
    const int N = query.dim(0), Q = query.dim(1), T = keys.dim(1), H = keys.dim(2), A = w.w_q.dim(0);
    if (keys.dim(0) != N) shape_mismatch(op, "query", query, "keys", keys, "batch sizes (dim 0) differ");
    require_shape(op, "mask", mask, {N, T});
    require_shape(op, "w_q", w.w_q, {A, Q});
    require_shape(op, "w_k", w.w_k, {A, H});
    require_shape(op, "b", w.b, {A});
    require_shape(op, "v", w.v, {A});
    for (int n = 0; n < N; ++n)
        if (std::none_of(&mask(n, 0), &mask(n, 0) + T, [](float m) { return m != 0.0f; }))
            throw ShapeError(std::string(op) + ": row " + std::to_string(n) + " of the mask has no 1: nothing to attend to");
}

// What the backward pass needs of the forward, for one batch row n.
struct Row {
    std::vector<float> hidden;   // (T, A): tanh(W_q q + W_k h_t + b)
    std::vector<float> weights;  // (T): the masked softmax of the scores
};

Row forward_row(int n, const Tensor& query, const Tensor& keys, const Tensor& mask, const AdditiveAttentionWeights& w) {
    const int Q = query.dim(1), T = keys.dim(1), H = keys.dim(2), A = w.w_q.dim(0);
    Row r{std::vector<float>(static_cast<std::size_t>(T) * A), std::vector<float>(T, 0.0f)};
    // the query's projection is the same for every t: W_q q + b, computed once
    std::vector<float> projected_query(A);
    for (int a = 0; a < A; ++a) {
        float sum = w.b(a);
        for (int j = 0; j < Q; ++j) sum += w.w_q(a, j) * query(n, j);
        projected_query[a] = sum;
    }
    // e_t = v . tanh(W_q q + W_k h_t + b), for the unmasked t only
    std::vector<float> scores(T, -std::numeric_limits<float>::infinity());
    for (int t = 0; t < T; ++t) {
        if (mask(n, t) == 0.0f) continue;
        float score = 0.0f;
        for (int a = 0; a < A; ++a) {
            float u = projected_query[a];
            for (int j = 0; j < H; ++j) u += w.w_k(a, j) * keys(n, t, j);
            const float h = std::tanh(u);
            r.hidden[static_cast<std::size_t>(t) * A + a] = h;
            score += w.v(a) * h;
        }
        scores[t] = score;
    }
    // a = softmax over the unmasked scores, shifted by their max; masked weights stay exactly 0
    const float top = *std::max_element(scores.begin(), scores.end());
    float total = 0.0f;
    for (int t = 0; t < T; ++t)
        if (mask(n, t) != 0.0f) total += r.weights[t] = std::exp(scores[t] - top);
    for (float& a : r.weights) a /= total;
    return r;
}

}  // namespace

AdditiveAttentionResult additive_attention_forward(const Tensor& query, const Tensor& keys, const Tensor& mask,
                                                   const AdditiveAttentionWeights& w) {
    check_shapes("additive_attention_forward", query, keys, mask, w);
    const int N = query.dim(0), T = keys.dim(1), H = keys.dim(2);
    AdditiveAttentionResult result{Tensor({N, H}), Tensor({N, T})};
    for (int n = 0; n < N; ++n) {
        const Row r = forward_row(n, query, keys, mask, w);
        // c = sum_t a_t h_t
        for (int t = 0; t < T; ++t) {
            result.weights(n, t) = r.weights[t];
            for (int j = 0; j < H; ++j) result.context(n, j) += r.weights[t] * keys(n, t, j);
        }
    }
    return result;
}

AdditiveAttentionGrads additive_attention_backward(const Tensor& d_context, const Tensor& query, const Tensor& keys,
                                                   const Tensor& mask, const AdditiveAttentionWeights& w) {
    check_shapes("additive_attention_backward", query, keys, mask, w);
    const int N = query.dim(0), Q = query.dim(1), T = keys.dim(1), H = keys.dim(2), A = w.w_q.dim(0);
    require_shape("additive_attention_backward", "d_context", d_context, {N, H});
    AdditiveAttentionGrads g{Tensor({N, Q}), Tensor({N, T, H}), Tensor({A, Q}), Tensor({A, H}), Tensor({A}), Tensor({A})};
    for (int n = 0; n < N; ++n) {
        const Row r = forward_row(n, query, keys, mask, w);
        // g_t = dL/da_t = dL/dc . h_t; the average also sends a_t dL/dc to each key
        std::vector<float> d_weight(T, 0.0f);
        float weighted = 0.0f;  // sum_s a_s g_s
        for (int t = 0; t < T; ++t) {
            for (int j = 0; j < H; ++j) {
                d_weight[t] += d_context(n, j) * keys(n, t, j);
                g.d_keys(n, t, j) = r.weights[t] * d_context(n, j);
            }
            weighted += r.weights[t] * d_weight[t];
        }
        std::vector<float> d_u_sum(A, 0.0f);  // sum_t dL/du_t, for W_q, b and q
        for (int t = 0; t < T; ++t) {
            if (mask(n, t) == 0.0f) continue;
            // softmax: dL/de_t = a_t (g_t - sum_s a_s g_s)
            const float d_score = r.weights[t] * (d_weight[t] - weighted);
            for (int a = 0; a < A; ++a) {
                const float h = r.hidden[static_cast<std::size_t>(t) * A + a];
                g.d_v(a) += d_score * h;
                // e_t = v . tanh(u_t): dL/du_t = dL/de_t v (1 - tanh^2)
                const float d_u = d_score * w.v(a) * (1.0f - h * h);
                d_u_sum[a] += d_u;
                for (int j = 0; j < H; ++j) {
                    g.d_w_k(a, j) += d_u * keys(n, t, j);
                    g.d_keys(n, t, j) += w.w_k(a, j) * d_u;
                }
            }
        }
        // u_t = W_q q + W_k h_t + b: q and W_q see the sum over t
        for (int a = 0; a < A; ++a) {
            g.d_b(a) += d_u_sum[a];
            for (int j = 0; j < Q; ++j) {
                g.d_w_q(a, j) += d_u_sum[a] * query(n, j);
                g.d_query(n, j) += w.w_q(a, j) * d_u_sum[a];
            }
        }
    }
    return g;
}

}  // namespace wb
