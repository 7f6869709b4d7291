/// @file qa.hpp
/// Exercise **SpanAttention**: extractive question answering. Each passage position reads the question
/// through attention, scores itself as the answer's start and end, and the best span is chosen.
///
/// Shapes: N = examples, P = passage positions, Q = question positions, H = state size (passage and
/// question encoded to the same size).
#pragma once
#include <utility>

#include "framework/tensor.hpp"

namespace wb {

/// The two pointers' weights: each reads [h_t ; q~_t], a passage state and what it gathered from the question.
struct SpanWeights {
    Tensor w_start;  ///< (2H)
    Tensor w_end;    ///< (2H)
};

/// What the forward pass returns.
struct SpanResult {
    Tensor start_logits;  ///< (N, P)
    Tensor end_logits;    ///< (N, P)
    Tensor attention;     ///< (N, P, Q): row t is how passage position t weighs the question's positions
};

/// Passage-to-question attention with dot-product scores, then two linear pointers:
/// \f[ a_{t,:} = \operatorname{softmax}_{j:\,m_j = 1}(h_t \cdot u_j), \qquad \tilde q_t = \sum_j a_{tj} u_j, \qquad
///     s_t = w_{start}^\top [h_t; \tilde q_t], \qquad e_t = w_{end}^\top [h_t; \tilde q_t]. \f]
/// The softmax runs over the question's real positions only (subtract their max first); padded question
/// positions get weight exactly 0. Padded passage positions are the caller's to mask (see best_span).
/// @param passage h (N, P, H)
/// @param question u (N, Q, H)
/// @param question_mask (N, Q): 1 for a real question position, 0 for padding; every row needs a 1
/// @param w w_start, w_end (2H)
/// @return start and end logits (N, P) and the attention (N, P, Q)
/// @throws ShapeError naming "span_attention_forward" on shapes that disagree or an all-0 mask row.
SpanResult span_attention_forward(const Tensor& passage, const Tensor& question, const Tensor& question_mask,
                                  const SpanWeights& w);

/// Gradients of a loss L with respect to the inputs and weights of span_attention_forward.
struct SpanGrads {
    Tensor d_passage;   ///< (N, P, H): through [h_t; .] and through the scores h_t . u_j
    Tensor d_question;  ///< (N, Q, H): through q~_t and through the scores
    Tensor d_w_start;   ///< (2H), summed over the batch
    Tensor d_w_end;     ///< (2H)
};

/// Back-propagates dL/ds and dL/de. With \f$g_t = [h_t; \tilde q_t]\f$: \f$\partial L/\partial g_t = \partial L/\partial s_t\, w_{start}
/// + \partial L/\partial e_t\, w_{end}\f$; its second half \f$d\tilde q_t\f$ flows into \f$a_{tj}\f$ (\f$d\tilde q_t \cdot u_j\f$) and
/// \f$u_j\f$ (\f$a_{tj}\, d\tilde q_t\f$); the softmax's Jacobian turns \f$\partial L/\partial a_{t,:}\f$ into score gradients
/// \f$d_{tj}\f$, and \f$h_t \cdot u_j\f$ sends \f$d_{tj} u_j\f$ to \f$h_t\f$ and \f$d_{tj} h_t\f$ to \f$u_j\f$.
/// @param d_start dL/ds (N, P)
/// @param d_end dL/de (N, P)
/// @param passage, question, question_mask, w as given to span_attention_forward (recomputed)
/// @return every gradient
/// @throws ShapeError naming "span_attention_backward" on shapes that disagree.
SpanGrads span_attention_backward(const Tensor& d_start, const Tensor& d_end, const Tensor& passage, const Tensor& question,
                                  const Tensor& question_mask, const SpanWeights& w);

/// The answer span of one example: the (start, end) with start <= end < start + max_length and both
/// inside the passage's first `length` positions that maximises start_logits[start] + end_logits[end]
/// (the same argmax as the product of the two softmax probabilities). On a tie, the earliest start, then
/// the earliest end. Two separate argmaxes can give end < start; this cannot.
/// @param start_logits (P)
/// @param end_logits (P)
/// @param length the passage's real positions, 1 <= length <= P
/// @param max_length the longest answer, >= 1
/// @return {start, end}, 0-based, inclusive
/// @throws ShapeError naming "best_span" if the logits are not both (P), or length or max_length is out of range.
std::pair<int, int> best_span(const Tensor& start_logits, const Tensor& end_logits, int length, int max_length);

}  // namespace wb
