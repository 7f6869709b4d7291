// Exercise SpanAttention. Contracts and math: qa.hpp. Grade: ./wb grade 02
#include "chapters/02_attention_nlp/qa.hpp"

namespace wb {

SpanResult span_attention_forward(const Tensor& passage, const Tensor& question, const Tensor& question_mask,
                                  const SpanWeights& w) {
    // TODO: check shapes (ShapeError naming "span_attention_forward"). For each example n and passage position t:
    //       scores_j = h_t . u_j over the real question positions; attention(n, t, :) = their softmax (max
    //       subtracted; padded positions exactly 0); q~_t = sum_j attention(n, t, j) u_j;
    //       start_logits(n, t) = w_start[:H] . h_t + w_start[H:] . q~_t, end_logits likewise with w_end.
    throw NotImplemented("span_attention_forward");
}

SpanGrads span_attention_backward(const Tensor& d_start, const Tensor& d_end, const Tensor& passage, const Tensor& question,
                                  const Tensor& question_mask, const SpanWeights& w) {
    // TODO: recompute attention and q~. Per (n, t): d_w_start += d_start [h_t; q~_t] (d_w_end likewise);
    //       d_passage[t] += d_start w_start[:H] + d_end w_end[:H];  dq~ = d_start w_start[H:] + d_end w_end[H:];
    //       da_j = dq~ . u_j and d_question[j] += a_tj dq~;  d score_j = a_tj (da_j - sum_i a_ti da_i) on real j;
    //       d_passage[t] += d score_j u_j;  d_question[j] += d score_j h_t.
    throw NotImplemented("span_attention_backward");
}

std::pair<int, int> best_span(const Tensor& start_logits, const Tensor& end_logits, int length, int max_length) {
    // TODO: check (P) shapes, 1 <= length <= P, max_length >= 1 (ShapeError naming "best_span"). Try every
    //       start < length and end in [start, min(length, start + max_length)); keep the largest
    //       start_logits(start) + end_logits(end), the first one found on a tie.
    throw NotImplemented("best_span");
}

}  // namespace wb
