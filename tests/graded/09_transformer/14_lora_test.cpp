// Graded tests for exercise Lora. Golden: tests/fixtures/09_transformer/lora.wbt (the formula, float64).
#include "chapters/09_transformer/lora.hpp"
#include "tests/graded/09_transformer/common.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using transformer_test::times_transposed;

namespace {
LoraWeights lora_weights(const fixtures::Golden& g) { return {g["w"], g["a"], g["b"], g["alpha"][0]}; }
}  // namespace

GRADED_TEST(Lora, MatchesFormula, 2, "y = x W^T + (alpha / r) (x A^T) B^T, r = rows of A.") {
    const auto g = fixtures::load("09_transformer", "lora");
    EXPECT_TENSOR_NEAR(LEARNER(lora_forward(g["x"], lora_weights(g))), g["y"], tol::kForward);
}

GRADED_TEST(Lora, ZeroBIsThePretrainedLayer, 1, "LoRA starts with B = 0: the adapted layer then computes exactly x W^T.") {
    const auto g = fixtures::load("09_transformer", "lora");
    LoraWeights w = lora_weights(g);
    w.b = Tensor(w.b.shape());
    EXPECT_TENSOR_NEAR(LEARNER(lora_forward(g["x"], w)), times_transposed(g["x"], w.w), tol::kForward);
}

GRADED_TEST(Lora, MergedWeightGivesTheSameOutput, 2, "merged = W + (alpha / r) B A, (out, in); x merged^T is the adapted layer's output.") {
    const auto g = fixtures::load("09_transformer", "lora");
    const Tensor merged = LEARNER(lora_merge(lora_weights(g)));
    EXPECT_TENSOR_NEAR(merged, g["merged"], tol::kForward);
    // served as a plain layer, the merged weight gives the adapted output
    EXPECT_TENSOR_NEAR(times_transposed(g["x"], merged), g["y"], tol::kForward);
}

GRADED_TEST(Lora, RejectsMismatchedShapes, 1, "A is (r, in), B is (out, r), x is (N, in).") {
    EXPECT_SHAPE_ERROR(lora_forward(Tensor({2, 5}), {Tensor({4, 6}), Tensor({3, 6}), Tensor({4, 3}), 8.0f}), "lora_forward");
    EXPECT_SHAPE_ERROR(lora_forward(Tensor({2, 6}), {Tensor({4, 6}), Tensor({3, 6}), Tensor({4, 2}), 8.0f}), "lora_forward");
    EXPECT_SHAPE_ERROR(lora_merge({Tensor({4, 6}), Tensor({3, 5}), Tensor({4, 3}), 8.0f}), "lora_merge");
}
