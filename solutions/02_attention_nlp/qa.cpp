// Reference: passage-to-question attention, start and end pointers, and the best span.
#include "chapters/02_attention_nlp/qa.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace wb {

namespace {

void check_shapes(const char* op, const Tensor& passage, const Tensor& question, const Tensor& mask, const SpanWeights& w) {
    require_rank(op, "passage", passage, 3);
    require_rank(op, "question", question, 3);
    const int N = passage.dim(0), Q = question.dim(1), H = passage.dim(2);
    require_shape(op, "question", question, {N, Q, H});
    require_shape(op, "question_mask", mask, {N, Q});
    require_shape(op, "w_start", w.w_start, {2 * H});
    require_shape(op, "w_end", w.w_end, {2 * H});
    for (int n = 0; n < N; ++n)
        if (std::none_of(&mask(n, 0), &mask(n, 0) + Q, [](float m) { return m != 0.0f; }))
            throw ShapeError(std::string(op) + ": row " + std::to_string(n) + " of the question mask is all 0");
}

// a[t, :] = softmax over the real question positions of h_t . u_j (N, P, Q); masked weights exactly 0
Tensor passage_to_question(const Tensor& passage, const Tensor& question, const Tensor& mask) {
    const int N = passage.dim(0), P = passage.dim(1), Q = question.dim(1), H = passage.dim(2);
    Tensor a({N, P, Q});
    std::vector<float> scores(Q);
    for (int n = 0; n < N; ++n)
        for (int t = 0; t < P; ++t) {
            float top = -std::numeric_limits<float>::infinity();
            for (int j = 0; j < Q; ++j) {
                if (mask(n, j) == 0.0f) continue;
                float dot = 0.0f;
                for (int k = 0; k < H; ++k) dot += passage(n, t, k) * question(n, j, k);
                scores[j] = dot;
                top = std::max(top, dot);
            }
            float total = 0.0f;
            for (int j = 0; j < Q; ++j)
                if (mask(n, j) != 0.0f) total += a(n, t, j) = std::exp(scores[j] - top);
            for (int j = 0; j < Q; ++j) a(n, t, j) /= total;
        }
    return a;
}

// q~[n, t, :] = sum_j a[n, t, j] u[n, j, :]
Tensor gathered_question(const Tensor& a, const Tensor& question) {
    const int N = a.dim(0), P = a.dim(1), Q = a.dim(2), H = question.dim(2);
    Tensor gathered({N, P, H});
    for (int n = 0; n < N; ++n)
        for (int t = 0; t < P; ++t)
            for (int j = 0; j < Q; ++j)
                for (int k = 0; k < H; ++k) gathered(n, t, k) += a(n, t, j) * question(n, j, k);
    return gathered;
}

}  // namespace

SpanResult span_attention_forward(const Tensor& passage, const Tensor& question, const Tensor& question_mask,
                                  const SpanWeights& w) {
    check_shapes("span_attention_forward", passage, question, question_mask, w);
    const int N = passage.dim(0), P = passage.dim(1), H = passage.dim(2);
    SpanResult r{Tensor({N, P}), Tensor({N, P}), passage_to_question(passage, question, question_mask)};
    const Tensor gathered = gathered_question(r.attention, question);
    // s_t = w_start . [h_t; q~_t],  e_t = w_end . [h_t; q~_t]
    for (int n = 0; n < N; ++n)
        for (int t = 0; t < P; ++t)
            for (int k = 0; k < H; ++k) {
                r.start_logits(n, t) += w.w_start(k) * passage(n, t, k) + w.w_start(H + k) * gathered(n, t, k);
                r.end_logits(n, t) += w.w_end(k) * passage(n, t, k) + w.w_end(H + k) * gathered(n, t, k);
            }
    return r;
}

SpanGrads span_attention_backward(const Tensor& d_start, const Tensor& d_end, const Tensor& passage, const Tensor& question,
                                  const Tensor& question_mask, const SpanWeights& w) {
    check_shapes("span_attention_backward", passage, question, question_mask, w);
    const int N = passage.dim(0), P = passage.dim(1), Q = question.dim(1), H = passage.dim(2);
    require_shape("span_attention_backward", "d_start", d_start, {N, P});
    require_shape("span_attention_backward", "d_end", d_end, {N, P});
    const Tensor a = passage_to_question(passage, question, question_mask);
    const Tensor gathered = gathered_question(a, question);
    SpanGrads g{Tensor({N, P, H}), Tensor({N, Q, H}), Tensor({2 * H}), Tensor({2 * H})};
    std::vector<float> d_gathered(H), d_a(Q);
    for (int n = 0; n < N; ++n)
        for (int t = 0; t < P; ++t) {
            // dL/dg_t = d_start w_start + d_end w_end, g_t = [h_t; q~_t]
            for (int k = 0; k < H; ++k) {
                g.d_w_start(k) += d_start(n, t) * passage(n, t, k);
                g.d_w_start(H + k) += d_start(n, t) * gathered(n, t, k);
                g.d_w_end(k) += d_end(n, t) * passage(n, t, k);
                g.d_w_end(H + k) += d_end(n, t) * gathered(n, t, k);
                g.d_passage(n, t, k) += d_start(n, t) * w.w_start(k) + d_end(n, t) * w.w_end(k);
                d_gathered[k] = d_start(n, t) * w.w_start(H + k) + d_end(n, t) * w.w_end(H + k);
            }
            // q~_t = sum_j a_tj u_j: dL/da_tj = dq~_t . u_j, and u_j gets a_tj dq~_t
            float weighted = 0.0f;  // sum_j a_tj dL/da_tj
            for (int j = 0; j < Q; ++j) {
                d_a[j] = 0.0f;
                for (int k = 0; k < H; ++k) {
                    d_a[j] += d_gathered[k] * question(n, j, k);
                    g.d_question(n, j, k) += a(n, t, j) * d_gathered[k];
                }
                weighted += a(n, t, j) * d_a[j];
            }
            // softmax: d score_tj = a_tj (dL/da_tj - sum_i a_ti dL/da_ti); score_tj = h_t . u_j
            for (int j = 0; j < Q; ++j) {
                if (question_mask(n, j) == 0.0f) continue;
                const float d_score = a(n, t, j) * (d_a[j] - weighted);
                for (int k = 0; k < H; ++k) {
                    g.d_passage(n, t, k) += d_score * question(n, j, k);
                    g.d_question(n, j, k) += d_score * passage(n, t, k);
                }
            }
        }
    return g;
}

std::pair<int, int> best_span(const Tensor& start_logits, const Tensor& end_logits, int length, int max_length) {
    require_rank("best_span", "start_logits", start_logits, 1);
    require_shape("best_span", "end_logits", end_logits, start_logits.shape());
    const int P = start_logits.dim(0);
    if (length < 1 || length > P || max_length < 1)
        throw ShapeError("best_span: length " + std::to_string(length) + " must be in [1, " + std::to_string(P) +
                         "] and max_length " + std::to_string(max_length) + " at least 1");
    // argmax over start <= end < start + max_length, end < length, of s[start] + e[end]; strict > keeps the first
    std::pair<int, int> best{0, 0};
    float best_score = -std::numeric_limits<float>::infinity();
    for (int start = 0; start < length; ++start)
        for (int end = start; end < std::min(length, start + max_length); ++end)
            if (start_logits(start) + end_logits(end) > best_score) {
                best_score = start_logits(start) + end_logits(end);
                best = {start, end};
            }
    return best;
}

}  // namespace wb
