// Graded tests for exercise Embedding. Goldens: tests/fixtures/02_attention_nlp/embedding.wbt.
#include "chapters/02_attention_nlp/embedding.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(Embedding, LooksUpOneRowPerToken, 1, "out[n, t, :] is row tokens[n, t] of the table, copied whole.") {
    const Tensor weight({3, 2}, {1, 2, 3, 4, 5, 6});
    EXPECT_TENSOR_NEAR(LEARNER(embedding_forward(weight, Tensor({1, 2}, {2, 0}))), Tensor({1, 2, 2}, {5, 6, 1, 2}), tol::kExact);
}

GRADED_TEST(Embedding, ForwardMatchesPyTorch, 1, "Shape (N, T, D): one D-vector per token, in the tokens' order.") {
    const auto g = fixtures::load("02_attention_nlp", "embedding");
    EXPECT_TENSOR_NEAR(LEARNER(embedding_forward(g["weight"], g["tokens"])), g["out"], tol::kExact);
}

GRADED_TEST(Embedding, RepeatedTokensAccumulate, 2,
            "A token seen k times collects all k gradients: add (+=) into its row, do not overwrite (=).") {
    const auto g = fixtures::load("02_attention_nlp", "embedding");
    EXPECT_TENSOR_NEAR(LEARNER(embedding_backward(g["dout"], g["tokens"], 9)), g["dweight"], tol::kForward);
    // by hand: token 1 twice
    const Tensor dweight = LEARNER(embedding_backward(Tensor({1, 2, 2}, {1, 0, 2, 5}), Tensor({1, 2}, {1, 1}), 3));
    EXPECT_TENSOR_NEAR(dweight, Tensor({3, 2}, {0, 0, 3, 5, 0, 0}), tol::kExact);
}

GRADED_TEST(Embedding, PaddingRowGetsNoGradient, 1,
            "Skip the positions holding padding_id: nn.Embedding(padding_idx) never trains that row.") {
    const auto g = fixtures::load("02_attention_nlp", "embedding");
    EXPECT_TENSOR_NEAR(LEARNER(embedding_backward(g["dout"], g["tokens"], 9, 0)), g["dweight_padding0"], tol::kForward);
    EXPECT_TENSOR_NEAR(LEARNER(embedding_backward(g["dout"], g["tokens"], 9, 3)), g["dweight_padding3"], tol::kForward);
}

GRADED_TEST(Embedding, RejectsBadIdsAndShapes, 1,
            "Check every id is a whole number in [0, V) before using it as a row index; name the function.") {
    const Tensor weight({3, 2});
    EXPECT_SHAPE_ERROR(embedding_forward(weight, Tensor({1, 2}, {0, 3})), "embedding_forward");   // id = V
    EXPECT_SHAPE_ERROR(embedding_forward(weight, Tensor({1, 2}, {0, -1})), "embedding_forward");  // negative
    EXPECT_SHAPE_ERROR(embedding_forward(weight, Tensor({1, 1}, {1.5f})), "embedding_forward");   // not whole
    EXPECT_SHAPE_ERROR(embedding_forward(weight, Tensor({2}, {0, 1})), "embedding_forward");      // rank 1
    EXPECT_SHAPE_ERROR(embedding_backward(Tensor({1, 3, 2}), Tensor({1, 2}, {0, 1}), 3), "embedding_backward");
    EXPECT_SHAPE_ERROR(embedding_backward(Tensor({1, 2, 2}), Tensor({1, 2}, {0, 4}), 3), "embedding_backward");
    EXPECT_SHAPE_ERROR(embedding_backward(Tensor({1, 2, 2}), Tensor({1, 2}, {0, -1}), 3), "embedding_backward");
    EXPECT_SHAPE_ERROR(embedding_backward(Tensor({1, 2, 2}), Tensor({1, 2}, {0, 0.5f}), 3), "embedding_backward");
    EXPECT_SHAPE_ERROR(embedding_backward(Tensor({1, 2, 2}), Tensor({1, 2}, {0, 1}), 3, -2), "embedding_backward");
    EXPECT_SHAPE_ERROR(embedding_backward(Tensor({1, 2, 2}), Tensor({1, 2}, {0, 1}), 3, 3), "embedding_backward");
}
