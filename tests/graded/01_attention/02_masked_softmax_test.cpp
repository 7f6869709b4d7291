// Graded tests for exercise MaskedSoftmax. Goldens: tests/fixtures/01_attention/masked_softmax.wbt.
#include <cmath>

#include "chapters/01_attention/softmax.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(MaskedSoftmax, CausalMaskIsLowerTriangle, 1,
            "Query t may see keys 0..t: allowed[t * S + s] = (s <= t).") {
    const Mask m = LEARNER(causal_mask(3, 4));
    ASSERT_EQ(m.shape, (Shape{3, 4}));
    const auto expected = EXPECTED(std::vector<std::uint8_t>{1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0});
    EXPECT_EQ(m.allowed, expected);
}

GRADED_TEST(MaskedSoftmax, PaddingMaskBlocksPaddedKeys, 1,
            "padding_mask is (B, T, S): in sequence b keys s < length[b] are allowed, for every query.") {
    const Mask m = LEARNER(padding_mask({2, 3}, 2, 3));
    ASSERT_EQ(m.shape, (Shape{2, 2, 3}));
    const auto expected = EXPECTED(std::vector<std::uint8_t>{1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1});
    EXPECT_EQ(m.allowed, expected);
    EXPECT_SHAPE_ERROR(padding_mask({4}, 2, 3), "padding_mask");
}

GRADED_TEST(MaskedSoftmax, CausalMatchesPyTorch, 2,
            "Mask the scores before the softmax (as -inf), not the probabilities after it.") {
    const auto g = fixtures::load("01_attention", "masked_softmax");
    EXPECT_TENSOR_NEAR(LEARNER(masked_softmax(g["scores"], causal_mask(4, 5))), g["causal_out"], tol::kForward);
}

GRADED_TEST(MaskedSoftmax, PaddingMatchesPyTorch, 2,
            "A (B, T, S) mask has one (T, S) plane per sequence: index it with b.") {
    const auto g = fixtures::load("01_attention", "masked_softmax");
    const Tensor& scores = g["scores"];
    EXPECT_TENSOR_NEAR(LEARNER(masked_softmax(scores, padding_mask(fixtures::as_ints(g["lengths"]), 4, 5))), g["padding_out"],
                       tol::kForward);
}

GRADED_TEST(MaskedSoftmax, BlockedWeightsAreExactlyZeroAndRowsSumToOne, 2,
            "Blocked keys must get 0 exactly, and the allowed ones must still sum to 1.") {
    Rng rng(3);
    const Tensor scores = Tensor::randn({2, 5, 5}, rng, 3.0f);
    const Mask mask = LEARNER(causal_mask(5, 5));
    const Tensor p = LEARNER(masked_softmax(scores, mask));
    for (int b = 0; b < 2; ++b)
        for (int t = 0; t < 5; ++t) {
            double sum = 0.0;
            for (int s = 0; s < 5; ++s) {
                if (!mask.allows(b, t, s)) EXPECT_EQ(p(b, t, s), 0.0f) << "blocked (" << b << ", " << t << ", " << s << ")";
                sum += p(b, t, s);
            }
            EXPECT_NEAR(sum, 1.0, 1e-5) << "row (" << b << ", " << t << ")";
        }
}

GRADED_TEST(MaskedSoftmax, FullyBlockedRowIsZeros, 1,
            "A query with no allowed key: define its row as all zeros (no NaN from 0/0).") {
    const Tensor scores({1, 2, 3}, {1, 2, 3, 4, 5, 6});
    const Mask mask{{2, 3}, {0, 0, 0, 1, 1, 0}};
    const Tensor p = LEARNER(masked_softmax(scores, mask));
    const float e = std::exp(-1.0f);
    EXPECT_TENSOR_NEAR(p, Tensor({1, 2, 3}, {0, 0, 0, e / (1 + e), 1 / (1 + e), 0}), tol::kExact);
}

GRADED_TEST(MaskedSoftmax, LargeScoresDoNotOverflow, 1,
            "Take the max over the allowed keys and subtract it: scores of 1000 must not give inf or NaN.") {
    const Tensor scores({1, 1, 3}, {1000.0f, 999.0f, 5000.0f});
    const Mask mask{{1, 3}, {1, 1, 0}};
    const float e = std::exp(-1.0f);
    EXPECT_TENSOR_NEAR(LEARNER(masked_softmax(scores, mask)), Tensor({1, 1, 3}, {1 / (1 + e), e / (1 + e), 0}), tol::kExact);
}

GRADED_TEST(MaskedSoftmax, RejectsMaskOfWrongShape, 1,
            "Check the mask is empty, (T, S) or (B, T, S) before indexing it; name masked_softmax in the error.") {
    EXPECT_SHAPE_ERROR(masked_softmax(Tensor({1, 2, 3}), causal_mask(3, 2)), "masked_softmax");
}
