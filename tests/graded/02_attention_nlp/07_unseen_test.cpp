// Unseen-input tests of chapter 02 (course mode only): shapes and values drawn for each run from its
// secret, matched against the reference's values on the same inputs (tests/harness/graded.hpp,
// UNSEEN_TEST). A table of the handout's fixed cases cannot pass them.
#include <cmath>
#include <tuple>
#include <utility>
#include <vector>

#include "chapters/02_attention_nlp/additive_attention.hpp"
#include "chapters/02_attention_nlp/decoder.hpp"
#include "chapters/02_attention_nlp/embedding.hpp"
#include "chapters/02_attention_nlp/metrics.hpp"
#include "chapters/02_attention_nlp/pooling.hpp"
#include "chapters/02_attention_nlp/qa.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using wb::grading::between;

namespace {
/// Token ids (rows, cols) drawn in [0, vocab), as floats.
Tensor drawn_tokens(Rng& rng, int rows, int cols, int vocab) {
    Tensor tokens({rows, cols});
    for (std::size_t i = 0; i < tokens.size(); ++i) tokens[i] = static_cast<float>(rng.below(vocab));
    return tokens;
}

/// A padding mask (N, T) with any pattern, not only a prefix: each position padded with probability 0.3,
/// and every row keeps at least one real position.
Tensor drawn_mask(Rng& rng, int N, int T) {
    Tensor mask({N, T});
    for (int n = 0; n < N; ++n) {
        bool any = false;
        for (int t = 0; t < T; ++t) any |= (mask(n, t) = rng.below(10) < 7 ? 1.0f : 0.0f) != 0.0f;
        if (!any) mask(n, between(rng, 0, T - 1)) = 1.0f;
    }
    return mask;
}

AdditiveAttentionWeights drawn_attention_weights(Rng& rng, int A, int Q, int H) {
    return {Tensor::randn({A, Q}, rng, 0.5f), Tensor::randn({A, H}, rng, 0.5f), Tensor::randn({A}, rng, 0.3f),
            Tensor::randn({A}, rng)};
}

/// The same attention with one more hidden unit, whose tanh is exactly 1 (bias 20, no weights): it adds
/// `shift` to every score. The weights and context are unchanged, but an unshifted float exp overflows.
AdditiveAttentionWeights with_scores_shifted(const AdditiveAttentionWeights& w, float shift) {
    const int A = w.v.dim(0), Q = w.w_q.dim(1), H = w.w_k.dim(1);
    AdditiveAttentionWeights out{Tensor({A + 1, Q}), Tensor({A + 1, H}), Tensor({A + 1}), Tensor({A + 1})};
    for (int a = 0; a < A; ++a) {
        for (int i = 0; i < Q; ++i) out.w_q(a, i) = w.w_q(a, i);
        for (int j = 0; j < H; ++j) out.w_k(a, j) = w.w_k(a, j);
        out.b[a] = w.b[a], out.v[a] = w.v[a];
    }
    out.b[A] = 20.0f, out.v[A] = shift;
    return out;
}

/// The decoder's weights, drawn; the embedding and the LSTM's input weights large enough that the token fed
/// in changes the next state (greedy decoding then depends on its own choices).
DecoderWeights drawn_decoder_weights(Rng& rng, int V, int E, int A, int S, int H) {
    return {Tensor::randn({V, E}, rng, 2.0f),
            drawn_attention_weights(rng, A, S, H),
            {Tensor::randn({4 * S, E + H}, rng), Tensor::randn({4 * S, S}, rng, 0.5f),
             Tensor::randn({4 * S}, rng, 0.3f), Tensor::randn({4 * S}, rng, 0.3f)},
            Tensor::randn({V, S + H}, rng),
            Tensor::randn({V}, rng, 0.3f)};
}
}  // namespace

UNSEEN_TEST(Embedding, DrawnIdsAndTable) {
    const int V = between(rng, 2, 9), D = between(rng, 1, 6), N = between(rng, 1, 3), T = between(rng, 2, 6);
    const Tensor weight = Tensor::randn({V, D}, rng);
    Tensor tokens = drawn_tokens(rng, N, T, V);
    tokens[tokens.size() - 1] = tokens[0];  // at least one token occurs twice
    const Tensor dout = Tensor::randn({N, T, D}, rng);
    const int padding_id = static_cast<int>(tokens[rng.below(tokens.size())]);  // a padding id that occurs
    EXPECT_MATCHES_REFERENCE(embedding_forward(weight, tokens), tol::kExact);
    EXPECT_MATCHES_REFERENCE(embedding_backward(dout, tokens, V), tol::kForward);
    EXPECT_MATCHES_REFERENCE(embedding_backward(dout, tokens, V, padding_id), tol::kForward);
}

UNSEEN_TEST(AdditiveAttention, DrawnMasksAndLargeScores) {
    const int N = between(rng, 2, 3), T = between(rng, 3, 6), H = between(rng, 1, 5), Q = between(rng, 1, 5),
              A = between(rng, 1, 6);
    const AdditiveAttentionWeights w = drawn_attention_weights(rng, A, Q, H);
    const Tensor query = Tensor::randn({N, Q}, rng), keys = Tensor::randn({N, T, H}, rng);
    const Tensor mask = drawn_mask(rng, N, T), d_context = Tensor::randn({N, H}, rng);
    EXPECT_MATCHES_REFERENCE(additive_attention_forward(query, keys, mask, w), tol::kForward);
    EXPECT_MATCHES_REFERENCE(additive_attention_backward(d_context, query, keys, mask, w), tol::kBackward);
    // every score shifted past 88.7, where float's exp overflows (|v . tanh(.)| <= sum |v| before the shift);
    // the weights only: scores near 100 carry float rounding that the context's cancellations could magnify
    float bound = 0.0f;
    for (float v : w.v) bound += std::abs(v);
    const AdditiveAttentionWeights shifted = with_scores_shifted(w, 90.0f + bound + rng.uniform(0.0f, 10.0f));
    EXPECT_MATCHES_REFERENCE(additive_attention_forward(query, keys, mask, shifted).weights, tol::kForward);
}

UNSEEN_TEST(DecoderStep, DrawnStepForwardAndBackward) {
    const int N = between(rng, 2, 3), T = between(rng, 2, 5), H = between(rng, 1, 4), S = between(rng, 1, 4),
              E = between(rng, 1, 4), A = between(rng, 1, 4), V = between(rng, 2, 6);
    const DecoderWeights w = drawn_decoder_weights(rng, V, E, A, S, H);
    const Tensor prev_tokens = drawn_tokens(rng, N, 1, V);
    const Tensor h_prev = Tensor::randn({N, S}, rng), c_prev = Tensor::randn({N, S}, rng);
    const Tensor states = Tensor::randn({N, T, H}, rng), mask = drawn_mask(rng, N, T);
    const Tensor d_logits = Tensor::randn({N, V}, rng), d_h = Tensor::randn({N, S}, rng), d_c = Tensor::randn({N, S}, rng);
    const auto forward = [&] {
        const DecoderStepResult r = decoder_step_forward(prev_tokens, h_prev, c_prev, states, mask, w);
        return std::tuple{r.logits, r.h, r.c, r.weights};
    };
    EXPECT_MATCHES_REFERENCE(forward(), tol::kForward);
    EXPECT_MATCHES_REFERENCE(
        decoder_step_backward(d_logits, d_h, d_c, states, mask,
                              decoder_step_forward(prev_tokens, h_prev, c_prev, states, mask, w).cache, w),
        tol::kBackward);
}

UNSEEN_TEST(DecoderStep, DrawnGreedyDecoding) {
    const int N = between(rng, 2, 4), T = between(rng, 2, 5), H = between(rng, 1, 4), S = between(rng, 2, 4),
              E = between(rng, 1, 4), A = between(rng, 1, 4), V = between(rng, 3, 6);
    const DecoderWeights w = drawn_decoder_weights(rng, V, E, A, S, H);
    const int start_id = between(rng, 0, V - 1), end_id = (start_id + between(rng, 1, V - 1)) % V;
    const Tensor states = Tensor::randn({N, T, H}, rng), mask = drawn_mask(rng, N, T);
    const Tensor h0 = Tensor::randn({N, S}, rng), c0 = Tensor::randn({N, S}, rng);
    const int max_length = between(rng, 3, 7);
    // the decoder as drawn, then with the end token favoured: rows finish at different steps
    DecoderWeights ends_early = w;
    ends_early.b_out[end_id] += 2.0f;
    const auto decoded = [&] {
        return std::pair{greedy_decode(states, mask, h0, c0, w, start_id, end_id, max_length),
                         greedy_decode(states, mask, h0, c0, ends_early, start_id, end_id, max_length)};
    };
    EXPECT_MATCHES_REFERENCE(decoded(), tol::kForward);
}

UNSEEN_TEST(AttentionPooling, DrawnStatesAndMasks) {
    const int N = between(rng, 2, 3), T = between(rng, 3, 6), H = between(rng, 1, 5), A = between(rng, 1, 5),
              C = between(rng, 1, 4);
    const AttentionPoolingWeights w{Tensor::randn({A, H}, rng), Tensor::randn({A}, rng, 0.3f), Tensor::randn({A}, rng, 2.0f),
                                    Tensor::randn({C, H}, rng), Tensor::randn({C}, rng)};
    const Tensor states = Tensor::randn({N, T, H}, rng), mask = drawn_mask(rng, N, T);
    const Tensor d_logits = Tensor::randn({N, C}, rng);
    EXPECT_MATCHES_REFERENCE(attention_pooling_forward(states, mask, w), tol::kForward);
    EXPECT_MATCHES_REFERENCE(attention_pooling_backward(d_logits, states, mask, w), tol::kBackward);
}

UNSEEN_TEST(SpanAttention, DrawnPassagesQuestionsAndSpans) {
    const int N = between(rng, 2, 3), P = between(rng, 1, 6), Q = between(rng, 3, 5), H = between(rng, 1, 5);
    const Tensor passage = Tensor::randn({N, P, H}, rng), question = Tensor::randn({N, Q, H}, rng);
    const Tensor mask = drawn_mask(rng, N, Q);
    const SpanWeights w{Tensor::randn({2 * H}, rng), Tensor::randn({2 * H}, rng)};
    const Tensor d_start = Tensor::randn({N, P}, rng), d_end = Tensor::randn({N, P}, rng);
    EXPECT_MATCHES_REFERENCE(span_attention_forward(passage, question, mask, w), tol::kForward);
    EXPECT_MATCHES_REFERENCE(span_attention_backward(d_start, d_end, passage, question, mask, w), tol::kBackward);

    // best_span on a few drawn examples: continuous logits, so no two spans tie
    struct Example {
        Tensor start, end;
        int length, max_length;
    };
    std::vector<Example> examples;
    for (int k = 0; k < 8; ++k) {
        const int P2 = between(rng, 3, 8);
        Tensor start = Tensor::randn({P2}, rng, 2.0f), end = Tensor::randn({P2}, rng, 2.0f);
        const int length = between(rng, 2, P2), max_length = between(rng, 1, 3);
        examples.push_back({std::move(start), std::move(end), length, max_length});
    }
    const auto spans = [&] {
        std::vector<std::pair<int, int>> out;
        for (const Example& e : examples) out.push_back(best_span(e.start, e.end, e.length, e.max_length));
        return out;
    };
    EXPECT_MATCHES_REFERENCE(spans(), tol::kExact);
}

UNSEEN_TEST(SequenceMetrics, DrawnSequencesAndMistakes) {
    const int N = between(rng, 3, 6), T = between(rng, 2, 7), V = between(rng, 4, 9), eos = between(rng, 0, V - 1);
    const auto other_than = [&](int id) { return (id + between(rng, 1, V - 1)) % V; };
    Tensor target({N, T}), predicted({N, T});
    for (int n = 0; n < N; ++n) {
        const int end = between(rng, 0, T);  // the target's EOS position; T: no EOS in the row
        for (int t = 0; t < T; ++t) {
            if (t < end) target(n, t) = static_cast<float>(other_than(eos));
            else if (t == end) target(n, t) = static_cast<float>(eos);
            else target(n, t) = static_cast<float>(rng.below(V));  // padding, EOS or not
            const bool padding = t > end, wrong = rng.below(padding ? 2 : 5) == 0;
            predicted(n, t) = wrong ? static_cast<float>(other_than(static_cast<int>(target(n, t)))) : target(n, t);
        }
    }
    const auto scores = [&] { return std::pair{exact_match(predicted, target, eos), token_accuracy(predicted, target, eos)}; };
    EXPECT_MATCHES_REFERENCE(scores(), tol::kExact);
}
