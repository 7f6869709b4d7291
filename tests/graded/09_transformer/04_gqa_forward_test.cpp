// Graded tests for exercise GqaForward. Goldens: tests/fixtures/09_transformer/{gqa,mqa,mha,gqa_offset}.wbt
// (repeat_interleave of the kv heads, causal mask at the bottom-right, float64).
#include <cstdint>
#include <vector>

#include "chapters/09_transformer/gqa.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(GqaForward, BottomRightCausalMask, 1,
            "The T queries are the LAST T of S positions: query t may see keys s <= t + (S - T).") {
    const Mask square = LEARNER(causal_mask_bottom_right(3, 3));
    EXPECT_EQ(square.allowed, (std::vector<std::uint8_t>{1, 0, 0, 1, 1, 0, 1, 1, 1}));
    const Mask after_cache = LEARNER(causal_mask_bottom_right(2, 4));
    EXPECT_EQ(after_cache.allowed, (std::vector<std::uint8_t>{1, 1, 1, 0, 1, 1, 1, 1}));
    EXPECT_EQ(after_cache.shape, (Shape{2, 4}));
    const Mask one_new_token = LEARNER(causal_mask_bottom_right(1, 5));
    EXPECT_EQ(one_new_token.allowed, (std::vector<std::uint8_t>{1, 1, 1, 1, 1}));
    EXPECT_SHAPE_ERROR(causal_mask_bottom_right(4, 3), "causal_mask_bottom_right");
}

GRADED_TEST(GqaForward, MatchesTorchGqa, 3,
            "Query head h reads kv head h / G, G = Hq / Hkv (heads 0, 1 share kv head 0), and the mask is causal.") {
    const auto g = fixtures::load("09_transformer", "gqa");
    EXPECT_TENSOR_NEAR(LEARNER(gqa_attention_forward(g["q"], g["k"], g["v"])).out, g["out"], tol::kForward);
}

GRADED_TEST(GqaForward, MultiQueryAndMultiHead, 2, "Hkv = 1 (MQA): every query head reads the one kv head; Hkv = Hq (MHA): head h reads head h.") {
    const auto mqa = fixtures::load("09_transformer", "mqa");
    EXPECT_TENSOR_NEAR(LEARNER(gqa_attention_forward(mqa["q"], mqa["k"], mqa["v"])).out, mqa["out"], tol::kForward) << "MQA";
    const auto mha = fixtures::load("09_transformer", "mha");
    EXPECT_TENSOR_NEAR(LEARNER(gqa_attention_forward(mha["q"], mha["k"], mha["v"])).out, mha["out"], tol::kForward) << "MHA";
}

GRADED_TEST(GqaForward, QueriesAfterEarlierPositions, 2,
            "With S > T keys the queries are positions S-T .. S-1: use causal_mask_bottom_right(T, S), not chapter 01's causal_mask.") {
    const auto g = fixtures::load("09_transformer", "gqa_offset");
    EXPECT_TENSOR_NEAR(LEARNER(gqa_attention_forward(g["q"], g["k"], g["v"])).out, g["out"], tol::kForward);
}

GRADED_TEST(GqaForward, RejectsBadHeadCounts, 1, "Hkv must divide Hq, k and v must agree, and S >= T.") {
    EXPECT_SHAPE_ERROR(gqa_attention_forward(Tensor({1, 3, 2, 4}), Tensor({1, 2, 2, 4}), Tensor({1, 2, 2, 4})), "gqa_attention_forward");
    EXPECT_SHAPE_ERROR(gqa_attention_forward(Tensor({1, 2, 2, 4}), Tensor({1, 2, 2, 4}), Tensor({1, 2, 3, 4})), "gqa_attention_forward");
    EXPECT_SHAPE_ERROR(gqa_attention_forward(Tensor({1, 2, 3, 4}), Tensor({1, 1, 2, 4}), Tensor({1, 1, 2, 4})), "gqa_attention_forward");
}
