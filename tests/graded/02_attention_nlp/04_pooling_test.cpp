// Graded tests for exercise AttentionPooling. Goldens: tests/fixtures/02_attention_nlp/pooling.wbt (autograd, float64).
#include "chapters/02_attention_nlp/pooling.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {
AttentionPoolingWeights pooling_weights(const fixtures::Golden& g) { return {g["w"], g["b"], g["u"], g["w_out"], g["b_out"]}; }
}  // namespace

GRADED_TEST(AttentionPooling, ForwardMatchesPyTorch, 2,
            "alpha = masked softmax of u . tanh(W h_t + b); z = sum_t alpha_t h_t; logits = W_out z + b_out. "
            "Exercise 2 computes the first two with a zero query.") {
    const auto g = fixtures::load("02_attention_nlp", "pooling");
    const AttentionPoolingResult r = LEARNER(attention_pooling_forward(g["states"], g["mask"], pooling_weights(g)));
    EXPECT_TENSOR_NEAR(r.weights, g["weights"], tol::kForward) << "weights";
    EXPECT_TENSOR_NEAR(r.logits, g["logits"], tol::kForward) << "logits";
}

GRADED_TEST(AttentionPooling, TheDecisiveWordWinsWhereverItSits, 2,
            "Pool with the attention weights, not a plain mean: the position whose state matches u takes the "
            "weight, and moving it elsewhere in the sentence leaves the logits as they were.") {
    // H = A = 2, W = I, b = 0, u = (8, 0): a state (1, 0) scores 8 tanh(1) ~ 6.1, a state (0, 1) scores 0
    const AttentionPoolingWeights w{Tensor({2, 2}, {1, 0, 0, 1}), Tensor({2}), Tensor({2}, {8, 0}),
                                    Tensor({1, 2}, {1, -1}), Tensor({1})};
    const Tensor mask({1, 5}, 1.0f);
    const Tensor early({1, 5, 2}, {1, 0, 0, 1, 0, 1, 0, 1, 0, 1}), late({1, 5, 2}, {0, 1, 0, 1, 0, 1, 0, 1, 1, 0});
    const AttentionPoolingResult a = LEARNER(attention_pooling_forward(early, mask, w)), b = LEARNER(attention_pooling_forward(late, mask, w));
    EXPECT_GT(a.weights(0, 0), 0.9f) << "the matching word at position 0 should take almost all the weight";
    EXPECT_GT(b.weights(0, 4), 0.9f) << "the matching word at position 4 should take almost all the weight";
    EXPECT_TENSOR_NEAR(a.logits, b.logits, tol::kForward) << "the same words in another order give the same logits";
    EXPECT_GT(a.logits(0, 0), 0.5f) << "the pooled vector is close to the decisive word's (1, 0), not the mean";
}

GRADED_TEST(AttentionPooling, BackwardMatchesAutograd, 3,
            "dz = W_out^T d_logits per row, dW_out = sum_n d_logits_n z_n^T, db_out = column sums; then exercise 2's "
            "backward with dz as dL/dc gives d_states, dW, db and du.") {
    const auto g = fixtures::load("02_attention_nlp", "pooling");
    const AttentionPoolingGrads d = LEARNER(attention_pooling_backward(g["d_logits"], g["states"], g["mask"], pooling_weights(g)));
    EXPECT_TENSOR_NEAR(d.d_states, g["d_states"], tol::kBackward) << "d_states";
    EXPECT_TENSOR_NEAR(d.d_w, g["d_w"], tol::kBackward) << "d_w";
    EXPECT_TENSOR_NEAR(d.d_b, g["d_b"], tol::kBackward) << "d_b";
    EXPECT_TENSOR_NEAR(d.d_u, g["d_u"], tol::kBackward) << "d_u";
    EXPECT_TENSOR_NEAR(d.d_w_out, g["d_w_out"], tol::kBackward) << "d_w_out";
    EXPECT_TENSOR_NEAR(d.d_b_out, g["d_b_out"], tol::kBackward) << "d_b_out";
}

GRADED_TEST(AttentionPooling, RejectsMismatchedShapes, 1,
            "Check the classifier against the states: W_out (C, H), b_out (C), d_logits (N, C).") {
    const AttentionPoolingWeights w{Tensor({3, 2}), Tensor({3}), Tensor({3}), Tensor({4, 5}), Tensor({4})};  // W_out's H wrong
    const Tensor states({2, 6, 2}), mask({2, 6}, 1.0f);
    EXPECT_SHAPE_ERROR(attention_pooling_forward(states, mask, w), "attention_pooling_forward");
    const AttentionPoolingWeights ok{Tensor({3, 2}), Tensor({3}), Tensor({3}), Tensor({4, 2}), Tensor({4})};
    EXPECT_SHAPE_ERROR(attention_pooling_backward(Tensor({2, 3}), states, mask, ok), "attention_pooling_backward");
}
