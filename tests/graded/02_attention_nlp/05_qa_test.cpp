// Graded tests for exercise SpanAttention. Goldens: tests/fixtures/02_attention_nlp/span.wbt (autograd, float64).
#include <cmath>
#include <utility>

#include "chapters/02_attention_nlp/qa.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {
SpanWeights span_weights(const fixtures::Golden& g) { return {g["w_start"], g["w_end"]}; }
}  // namespace

GRADED_TEST(SpanAttention, ForwardMatchesPyTorch, 2,
            "a[t, :] = softmax over the real question positions of h_t . u_j; q~_t = sum_j a_tj u_j; "
            "s_t = w_start . [h_t; q~_t] (passage half first), e_t likewise with w_end.") {
    const auto g = fixtures::load("02_attention_nlp", "span");
    const SpanResult r = LEARNER(span_attention_forward(g["passage"], g["question"], g["question_mask"], span_weights(g)));
    EXPECT_TENSOR_NEAR(r.attention, g["attention"], tol::kForward) << "attention";
    EXPECT_TENSOR_NEAR(r.start_logits, g["start_logits"], tol::kForward) << "start_logits";
    EXPECT_TENSOR_NEAR(r.end_logits, g["end_logits"], tol::kForward) << "end_logits";
    for (int n = 0; n < r.attention.dim(0); ++n)
        for (int j = 0; j < r.attention.dim(2); ++j)
            if (g["question_mask"](n, j) == 0.0f) ASSERT_EQ(r.attention(n, 0, j), 0.0f) << "padded question position " << j;
}

GRADED_TEST(SpanAttention, BackwardMatchesAutograd, 3,
            "The question gets gradient twice (as the values averaged and in the scores), the passage twice "
            "(in [h_t; .] and in the scores); the softmax needs its full Jacobian.") {
    const auto g = fixtures::load("02_attention_nlp", "span");
    const SpanGrads d = LEARNER(span_attention_backward(g["d_start"], g["d_end"], g["passage"], g["question"], g["question_mask"],
                                                span_weights(g)));
    EXPECT_TENSOR_NEAR(d.d_passage, g["d_passage"], tol::kBackward) << "d_passage";
    EXPECT_TENSOR_NEAR(d.d_question, g["d_question"], tol::kBackward) << "d_question";
    EXPECT_TENSOR_NEAR(d.d_w_start, g["d_w_start"], tol::kBackward) << "d_w_start";
    EXPECT_TENSOR_NEAR(d.d_w_end, g["d_w_end"], tol::kBackward) << "d_w_end";
}

GRADED_TEST(SpanAttention, BestSpanNeverEndsBeforeItStarts, 2,
            "Search start <= end < start + max_length inside the passage's length for the largest s + e; "
            "two separate argmaxes can give end < start.") {
    // log-probabilities of the chapter page's example: separate argmaxes give start 1, end 0
    const Tensor s({4}, {std::log(0.1f), std::log(0.6f), std::log(0.2f), std::log(0.1f)});
    const Tensor e({4}, {std::log(0.5f), std::log(0.1f), std::log(0.3f), std::log(0.1f)});
    EXPECT_EQ(LEARNER(best_span(s, e, 4, 4)), (std::pair<int, int>{1, 2}));
    EXPECT_EQ(LEARNER(best_span(s, e, 2, 4)), (std::pair<int, int>{1, 1})) << "length 2: positions 2 and 3 are padding";
    const Tensor s2({4}, {0, 0, 3, 0}), e2({4}, {0, 0, 0, 5});
    EXPECT_EQ(LEARNER(best_span(s2, e2, 4, 2)), (std::pair<int, int>{2, 3}));
    EXPECT_EQ(LEARNER(best_span(s2, e2, 4, 1)), (std::pair<int, int>{3, 3})) << "max_length 1: one-token answers only";
    const Tensor flat({3}, 0.0f);
    EXPECT_EQ(LEARNER(best_span(flat, flat, 3, 3)), (std::pair<int, int>{0, 0})) << "ties go to the earliest start, then end";
}

GRADED_TEST(SpanAttention, RejectsMismatchedShapes, 1,
            "Check question (N, Q, H) against passage (N, P, H), the weights (2H), and best_span's length range.") {
    const SpanWeights w{Tensor({8}), Tensor({8})};
    const Tensor passage({2, 5, 4}), mask({2, 3}, 1.0f);
    EXPECT_SHAPE_ERROR(span_attention_forward(passage, Tensor({2, 3, 5}), mask, w), "span_attention_forward");
    EXPECT_SHAPE_ERROR(span_attention_forward(passage, Tensor({2, 3, 4}), mask, {Tensor({4}), Tensor({8})}),
                       "span_attention_forward");
    EXPECT_SHAPE_ERROR(span_attention_backward(Tensor({2, 4}), Tensor({2, 5}), passage, Tensor({2, 3, 4}), mask, w),
                       "span_attention_backward");
    EXPECT_SHAPE_ERROR(best_span(Tensor({4}), Tensor({4}), 5, 2), "best_span");
    EXPECT_SHAPE_ERROR(best_span(Tensor({4}), Tensor({4}), 4, 0), "best_span");
}
