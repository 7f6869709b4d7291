// Graded tests for exercise MultiHeadForward. Goldens: tests/fixtures/01_attention/multihead_*.wbt,
// from torch.nn.MultiheadAttention(8, 2, batch_first=True) with the weights stored beside them.
#include "chapters/01_attention/multihead.hpp"
#include "tests/graded/01_attention/multihead_common.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using multihead_test::lengths_from;
using multihead_test::weights_from;

GRADED_TEST(MultiHeadForward, MatchesTorchMultiheadAttention, 3,
            "Head h takes columns h*Dh .. h*Dh+Dh-1 of each projection; merge them back in the same order before W_o.") {
    const auto g = fixtures::load("01_attention", "multihead_plain");
    const MultiHeadResult r = LEARNER(multihead_forward(g["query"], g["key"], g["value"], weights_from(g)));
    EXPECT_TENSOR_NEAR(r.weights, g["weights"], tol::kForward);  // (B, H, T, S)
    EXPECT_TENSOR_NEAR(r.out, g["out"], tol::kForward);
}

GRADED_TEST(MultiHeadForward, PaddingMaskMatchesTorch, 2,
            "A (B, T, S) mask belongs to sequence n, so every head n*H + h of that sequence uses plane n.") {
    const auto g = fixtures::load("01_attention", "multihead_padding");
    const MultiHeadResult r =
        LEARNER(multihead_forward(g["query"], g["key"], g["value"], weights_from(g), padding_mask(lengths_from(g), 3, 4)));
    EXPECT_TENSOR_NEAR(r.weights, g["weights"], tol::kForward);
    EXPECT_TENSOR_NEAR(r.out, g["out"], tol::kForward);
}

GRADED_TEST(MultiHeadForward, OneHeadIsPlainAttentionWithProjections, 1,
            "With H = 1 and identity weights, multi-head attention is attention_forward itself.") {
    Rng rng(13);
    const int E = 4;
    Tensor eye({E, E});
    for (int i = 0; i < E; ++i) eye(i, i) = 1.0f;
    const MultiHeadWeights w{1, eye, eye, eye, Tensor({E}), Tensor({E}), Tensor({E}), eye, Tensor({E})};
    const Tensor x = Tensor::randn({2, 3, E}, rng), y = Tensor::randn({2, 5, E}, rng);
    const MultiHeadResult r = LEARNER(multihead_forward(x, y, y, w));
    const Tensor single_head = LEARNER(attention_forward(x, y, y)).out;
    EXPECT_TENSOR_NEAR(r.out, single_head, tol::kForward);
}

GRADED_TEST(MultiHeadForward, RejectsBadShapes, 1,
            "H must divide E, and key/value must be (B, S, E): name multihead_forward in the error.") {
    const auto g = fixtures::load("01_attention", "multihead_plain");
    MultiHeadWeights w = weights_from(g);
    w.heads = 3;  // E = 8
    EXPECT_SHAPE_ERROR(multihead_forward(g["query"], g["key"], g["value"], w), "multihead_forward");
    EXPECT_SHAPE_ERROR(multihead_forward(g["query"], g["key"], Tensor({2, 5, 8}), weights_from(g)), "multihead_forward");
}
