// Unseen-input tests of chapter 01 (course mode only): shapes and values drawn for each run from its
// secret, matched against the reference's values on the same inputs (tests/harness/graded.hpp,
// UNSEEN_TEST). A table of the handout's fixed cases cannot pass them.
#include <vector>

#include "chapters/01_attention/attention.hpp"
#include "chapters/01_attention/multihead.hpp"
#include "chapters/01_attention/positional.hpp"
#include "chapters/01_attention/scores.hpp"
#include "chapters/01_attention/softmax.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using wb::grading::between;

namespace {
/// B key lengths in 1..S.
std::vector<int> drawn_lengths(Rng& rng, int B, int S) {
    std::vector<int> lengths;
    for (int b = 0; b < B; ++b) lengths.push_back(between(rng, 1, S));
    return lengths;
}

/// No mask, a causal mask or a padding mask, drawn; built here (not by the learner's causal_mask and
/// padding_mask), so that these tests check one exercise each.
Mask drawn_mask(Rng& rng, int B, int T, int S) {
    const auto kind = rng.below(3);
    if (kind == 0) return {};
    const std::vector<int> lengths = drawn_lengths(rng, B, S);
    Mask m{kind == 1 ? Shape{T, S} : Shape{B, T, S}, {}};
    for (int b = 0; b < (kind == 1 ? 1 : B); ++b)
        for (int t = 0; t < T; ++t)
            for (int s = 0; s < S; ++s) m.allowed.push_back(kind == 1 ? s <= t : s < lengths[b]);
    return m;
}

MultiHeadWeights drawn_weights(Rng& rng, int heads, int E) {
    const float s = 0.5f;
    return {heads, Tensor::randn({E, E}, rng, s), Tensor::randn({E, E}, rng, s), Tensor::randn({E, E}, rng, s),
            Tensor::randn({E}, rng, s), Tensor::randn({E}, rng, s), Tensor::randn({E}, rng, s),
            Tensor::randn({E, E}, rng, s), Tensor::randn({E}, rng, s)};
}
}  // namespace

UNSEEN_TEST(Softmax, DrawnRows) {
    const Tensor x = Tensor::randn({between(rng, 1, 3), between(rng, 1, 5), between(rng, 2, 9)}, rng, 4.0f);
    EXPECT_MATCHES_REFERENCE(softmax(x), tol::kForward);
    const Tensor big = Tensor::randn({between(rng, 1, 4), between(rng, 2, 6)}, rng, 300.0f);  // exp overflows unshifted
    EXPECT_MATCHES_REFERENCE(softmax(big), tol::kForward);
}

UNSEEN_TEST(MaskedSoftmax, DrawnMasks) {
    // S >= 2: with one key, every allowed row is [1] and a uniform guess would pass
    const int B = between(rng, 1, 3), T = between(rng, 2, 5), S = between(rng, 2, 6);
    EXPECT_MATCHES_REFERENCE(causal_mask(T, S).allowed, tol::kExact);
    const std::vector<int> lengths = drawn_lengths(rng, B, S);
    EXPECT_MATCHES_REFERENCE(padding_mask(lengths, T, S).allowed, tol::kExact);
    const Tensor scores = Tensor::randn({B, T, S}, rng, 3.0f);
    EXPECT_MATCHES_REFERENCE(masked_softmax(scores, causal_mask(T, S)), tol::kForward);
    EXPECT_MATCHES_REFERENCE(masked_softmax(scores, padding_mask(lengths, T, S)), tol::kForward);
}

UNSEEN_TEST(Scores, DrawnQueriesAndKeys) {
    const int B = between(rng, 1, 3), T = between(rng, 1, 5), S = between(rng, 1, 6), D = between(rng, 1, 8);
    const Tensor q = Tensor::randn({B, T, D}, rng), k = Tensor::randn({B, S, D}, rng);
    EXPECT_MATCHES_REFERENCE(dot_scores(q, k), tol::kForward);
    EXPECT_MATCHES_REFERENCE(scaled_dot_scores(q, k), tol::kForward);
    const int A = between(rng, 1, 6), Dk = between(rng, 1, 5);
    const Tensor k2 = Tensor::randn({B, S, Dk}, rng);
    const AdditiveWeights w{Tensor::randn({A, D}, rng), Tensor::randn({A, Dk}, rng), Tensor::randn({A}, rng)};
    EXPECT_MATCHES_REFERENCE(additive_scores(q, k2, w), tol::kForward);
}

UNSEEN_TEST(AttentionForward, DrawnInputsAndMask) {
    const int B = between(rng, 1, 3), T = between(rng, 1, 5), S = between(rng, 1, 6);
    const int D = between(rng, 1, 8), Dv = between(rng, 1, 6);
    const Tensor q = Tensor::randn({B, T, D}, rng), k = Tensor::randn({B, S, D}, rng), v = Tensor::randn({B, S, Dv}, rng);
    const Mask mask = drawn_mask(rng, B, T, S);
    const auto outputs = [&] {
        const AttentionResult r = attention_forward(q, k, v, mask);
        return std::pair{r.out, r.cache.weights};
    };
    EXPECT_MATCHES_REFERENCE(outputs(), tol::kForward);
}

UNSEEN_TEST(AttentionBackward, DrawnInputsAndMask) {
    const int B = between(rng, 1, 3), T = between(rng, 1, 5), S = between(rng, 1, 6);
    const int D = between(rng, 1, 8), Dv = between(rng, 1, 6);
    const Tensor q = Tensor::randn({B, T, D}, rng), k = Tensor::randn({B, S, D}, rng), v = Tensor::randn({B, S, Dv}, rng);
    const Mask mask = drawn_mask(rng, B, T, S);
    const Tensor dout = Tensor::randn({B, T, Dv}, rng);
    EXPECT_MATCHES_REFERENCE(attention_backward(dout, attention_forward(q, k, v, mask).cache), tol::kBackward);
}

UNSEEN_TEST(MultiHeadForward, DrawnHeadsAndMask) {
    const int heads = between(rng, 1, 3), E = heads * between(rng, 1, 3);
    const int B = between(rng, 1, 2), T = between(rng, 1, 4), S = between(rng, 1, 5);
    const MultiHeadWeights w = drawn_weights(rng, heads, E);
    const Tensor query = Tensor::randn({B, T, E}, rng), key = Tensor::randn({B, S, E}, rng),
                 value = Tensor::randn({B, S, E}, rng);
    const Mask mask = drawn_mask(rng, B, T, S);
    const auto outputs = [&] {
        const MultiHeadResult r = multihead_forward(query, key, value, w, mask);
        return std::pair{r.out, r.weights};
    };
    EXPECT_MATCHES_REFERENCE(outputs(), tol::kForward);
}

UNSEEN_TEST(MultiHeadBackward, DrawnHeadsAndMask) {
    const int heads = between(rng, 1, 3), E = heads * between(rng, 1, 3);
    const int B = between(rng, 1, 2), T = between(rng, 1, 4), S = between(rng, 1, 5);
    const MultiHeadWeights w = drawn_weights(rng, heads, E);
    const Tensor query = Tensor::randn({B, T, E}, rng), key = Tensor::randn({B, S, E}, rng),
                 value = Tensor::randn({B, S, E}, rng);
    const Mask mask = drawn_mask(rng, B, T, S);
    const Tensor dout = Tensor::randn({B, T, E}, rng);
    EXPECT_MATCHES_REFERENCE(multihead_backward(dout, multihead_forward(query, key, value, w, mask).cache, w),
                             tol::kBackward);
}

UNSEEN_TEST(PositionalEncoding, DrawnLengthAndWidth) {
    const int length = between(rng, 1, 64), d_model = 2 * between(rng, 1, 16);
    EXPECT_MATCHES_REFERENCE(sinusoidal_positions(length, d_model), tol::kForward);
}
