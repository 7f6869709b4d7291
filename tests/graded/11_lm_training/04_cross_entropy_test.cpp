// Graded tests for exercise TokenCrossEntropy. Golden: tests/fixtures/11_lm_training/cross_entropy.wbt
// (torch.nn.functional.cross_entropy with ignore_index -100 and label_smoothing 0 and 0.1, its gradient by autograd,
// float64; 9 positions of a vocabulary of 11, two of them padding).
#include <cmath>

#include "chapters/11_lm_training/cross_entropy.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(TokenCrossEntropy, ByHand, 2, "z = [0, 0], y = 1: loss log 2, dz = p - onehot(y) = [0.5, -0.5].") {
    const TokenLoss r = LEARNER(next_token_loss(Tensor({1, 2}, {0.0f, 0.0f}), Tensor({1}, {1.0f})));
    EXPECT_NEAR(r.loss, std::log(2.0), 1e-6);
    EXPECT_TENSOR_NEAR(r.dlogits, Tensor({1, 2}, {0.5f, -0.5f}), tol::kExact);
}

GRADED_TEST(TokenCrossEntropy, MatchesPyTorchWithPadding, 3,
            "The mean over the positions that are not ignore_index (7 of 9), and zero gradient rows at the padding.") {
    const auto g = fixtures::load("11_lm_training", "cross_entropy");
    const TokenLoss r = LEARNER(next_token_loss(g["logits"], g["targets"], -100, 0.0f));
    EXPECT_EQ(r.counted, 7);
    EXPECT_NEAR(r.loss, g.scalar("plain_loss"), 1e-5 * g.scalar("plain_loss"));
    EXPECT_TENSOR_NEAR(r.dlogits, g["plain_dlogits"], tol::kForward);
}

GRADED_TEST(TokenCrossEntropy, LabelSmoothing, 3,
            "q = (1 - e) onehot(y) + e / V, over all V classes with the target's own: loss -sum q log p, gradient p - q.") {
    const auto g = fixtures::load("11_lm_training", "cross_entropy");
    const TokenLoss r = LEARNER(next_token_loss(g["logits"], g["targets"], -100, 0.1f));
    EXPECT_NEAR(r.loss, g.scalar("smoothed_loss"), 1e-5 * g.scalar("smoothed_loss"));
    EXPECT_TENSOR_NEAR(r.dlogits, g["smoothed_dlogits"], tol::kForward);
}

GRADED_TEST(TokenCrossEntropy, AllPadding, 1, "Every position ignored: loss 0, a zero gradient, nothing counted (not 0 / 0).") {
    const TokenLoss r = LEARNER(next_token_loss(Tensor({2, 3}, 1.0f), Tensor({2}, -1.0f), -1, 0.1f));
    EXPECT_EQ(r.counted, 0);
    EXPECT_EQ(r.loss, 0.0);
    EXPECT_TENSOR_NEAR(r.dlogits, Tensor({2, 3}), tol::kExact);
}

GRADED_TEST(TokenCrossEntropy, BadInput, 1, "A target outside [0, V) that is not the ignore index, bad shapes or e outside [0, 1] is an error.") {
    EXPECT_SHAPE_ERROR(next_token_loss(Tensor({2, 3}), Tensor({2}, {0.0f, 3.0f})), "next_token_loss");
    EXPECT_SHAPE_ERROR(next_token_loss(Tensor({2, 3}), Tensor({3})), "next_token_loss");
    EXPECT_SHAPE_ERROR(next_token_loss(Tensor({2, 3}), Tensor({2}), -100, 1.5f), "next_token_loss");
}
