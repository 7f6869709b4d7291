// Graded tests for exercise TimeEmbedding. Golden: tests/fixtures/10_diffusion/time_embedding.wbt (chapter 01's
// encoding and a SiLU MLP in float64; the gradients by autograd).
#include "chapters/10_diffusion/time_embedding.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/gradient_check.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {
TimeMlp golden_time_mlp(const fixtures::Golden& g) { return {g["w1"], g["b1"], g["w2"], g["b2"]}; }
}  // namespace

GRADED_TEST(TimeEmbedding, ByHandAtStepZero, 1, "At step 0 the encoding is [sin 0, cos 0, ...] = [0, 1, 0, 1, ...]; then SiLU(W1 e + b1), then W2 h + b2.") {
    // E = 2, H = 1, D = 1: a = w1 . [0, 1] + b1 = 2 + 0 = 2; h = 2 sigmoid(2) = 1.7615942; y = 0.5 h + 1
    const TimeMlp mlp{Tensor({1, 2}, {5.0f, 2.0f}), Tensor({1}, {0.0f}), Tensor({1, 1}, {0.5f}), Tensor({1}, {1.0f})};
    EXPECT_TENSOR_NEAR(LEARNER(time_embedding_forward(Tensor({1}, {0.0f}), 10, mlp)), Tensor({1, 1}, {1.8807971f}), tol::kForward);
}

GRADED_TEST(TimeEmbedding, MatchesTorch, 2, "Row steps[n] of sinusoidal_positions(T, E), through Linear, SiLU, Linear; every image at its own step.") {
    const auto g = fixtures::load("10_diffusion", "time_embedding");
    EXPECT_TENSOR_NEAR(LEARNER(time_embedding_forward(g["steps"], 1000, golden_time_mlp(g))), g["y"], tol::kForward);
}

GRADED_TEST(TimeEmbedding, BackwardMatchesAutograd, 3,
            "SiLU'(a) = sigmoid(a) (1 + a (1 - sigmoid(a))); the biases' gradients sum over the batch (step 17 appears twice).") {
    const auto g = fixtures::load("10_diffusion", "time_embedding");
    const TimeMlpGrads d = LEARNER(time_embedding_backward(g["dout"], g["steps"], 1000, golden_time_mlp(g)));
    EXPECT_TENSOR_NEAR(d.dw1, g["dw1"], tol::kBackward) << "dw1";
    EXPECT_TENSOR_NEAR(d.db1, g["db1"], tol::kBackward) << "db1";
    EXPECT_TENSOR_NEAR(d.dw2, g["dw2"], tol::kBackward) << "dw2";
    EXPECT_TENSOR_NEAR(d.db2, g["db2"], tol::kBackward) << "db2";
}

GRADED_TEST(TimeEmbedding, GradientCheck, 1, "The backward must be the derivative of your own forward: check it against differences.") {
    Rng rng(10);
    const Tensor steps({3}, {4, 0, 9});
    const TimeMlp mlp{Tensor::randn({5, 4}, rng, 0.7f), Tensor::randn({5}, rng, 0.5f), Tensor::randn({3, 5}, rng, 0.7f),
                      Tensor::randn({3}, rng, 0.5f)};
    const Tensor dout = Tensor::randn({3, 3}, rng);
    const TimeMlpGrads d = LEARNER(time_embedding_backward(dout, steps, 10, mlp));
    gradients::expect_gradient_check(
        "dw1", [&](const Tensor& v) { return gradients::dot(LEARNER(time_embedding_forward(steps, 10, {v, mlp.b1, mlp.w2, mlp.b2})), dout); },
        mlp.w1, d.dw1);
    gradients::expect_gradient_check(
        "db1", [&](const Tensor& v) { return gradients::dot(LEARNER(time_embedding_forward(steps, 10, {mlp.w1, v, mlp.w2, mlp.b2})), dout); },
        mlp.b1, d.db1);
}

GRADED_TEST(TimeEmbedding, BadInput, 1, "A step outside [0, T) or not an integer, an odd E, mismatched weights or dout of the wrong shape is an error.") {
    const auto g = fixtures::load("10_diffusion", "time_embedding");
    const TimeMlp mlp = golden_time_mlp(g);
    EXPECT_SHAPE_ERROR(time_embedding_forward(Tensor({1}, {1000.0f}), 1000, mlp), "time_embedding_forward");
    EXPECT_SHAPE_ERROR(time_embedding_forward(Tensor({1}, {1.5f}), 1000, mlp), "time_embedding_forward");
    EXPECT_SHAPE_ERROR(time_embedding_forward(g["steps"], 1000, {Tensor({12, 7}), g["b1"], g["w2"], g["b2"]}),
                       "time_embedding_forward");
    EXPECT_SHAPE_ERROR(time_embedding_forward(g["steps"], 1000, {g["w1"], g["b1"], Tensor({6, 11}), g["b2"]}),
                       "time_embedding_forward");
    EXPECT_SHAPE_ERROR(time_embedding_backward(Tensor({5, 5}), g["steps"], 1000, mlp), "time_embedding_backward");
}
