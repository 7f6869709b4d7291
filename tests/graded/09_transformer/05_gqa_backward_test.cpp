// Graded tests for exercise GqaBackward. Goldens: tests/fixtures/09_transformer/{gqa,mqa,gqa_offset}.wbt (float64 autograd).
#include "chapters/09_transformer/gqa.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/gradient_check.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {
/// The learner's forward then backward on a golden, checked against its autograd gradients.
void expect_gqa_grads(const char* fixture) {
    const auto g = fixtures::load("09_transformer", fixture);
    const GqaGrads d = LEARNER(gqa_attention_backward(g["dout"], gqa_attention_forward(g["q"], g["k"], g["v"]).cache));
    EXPECT_TENSOR_NEAR(d.dq, g["dq"], tol::kBackward) << fixture << ": dq";
    EXPECT_TENSOR_NEAR(d.dk, g["dk"], tol::kBackward) << fixture << ": dk";
    EXPECT_TENSOR_NEAR(d.dv, g["dv"], tol::kBackward) << fixture << ": dv";
}
}  // namespace

GRADED_TEST(GqaBackward, MatchesAutograd, 3,
            "Run chapter 01's attention_backward on the repeated heads, then ADD each repeated head's dk, dv into kv head h / G.") {
    expect_gqa_grads("gqa");
}

GRADED_TEST(GqaBackward, MultiQuerySumsEveryHead, 2, "With one kv head, its dk and dv are the sums over all Hq query heads.") {
    expect_gqa_grads("mqa");
}

GRADED_TEST(GqaBackward, AfterEarlierPositions, 1, "The same backward with S > T: the cache holds the mask the forward used.") {
    expect_gqa_grads("gqa_offset");
}

GRADED_TEST(GqaBackward, GradientCheck, 1, "Numerical and analytic dk disagree: a kv head's gradient sums over its G query heads.") {
    Rng rng(93);
    const Tensor q = Tensor::randn({1, 4, 3, 4}, rng), k = Tensor::randn({1, 2, 3, 4}, rng), v = Tensor::randn({1, 2, 3, 4}, rng);
    const Tensor dout = Tensor::randn({1, 4, 3, 4}, rng);
    const GqaGrads d = LEARNER(gqa_attention_backward(dout, gqa_attention_forward(q, k, v).cache));
    gradients::expect_gradient_check(
        "dk", [&](const Tensor& kk) { return gradients::dot(LEARNER(gqa_attention_forward(q, kk, v).out), dout); }, k, d.dk);
    gradients::expect_gradient_check(
        "dv", [&](const Tensor& vv) { return gradients::dot(LEARNER(gqa_attention_forward(q, k, vv).out), dout); }, v, d.dv);
}

GRADED_TEST(GqaBackward, RejectsMismatchedGradient, 1, "dout must be the forward output's shape (B, Hq, T, Dh).") {
    const auto g = fixtures::load("09_transformer", "mqa");
    const GqaResult r = LEARNER(gqa_attention_forward(g["q"], g["k"], g["v"]));
    EXPECT_SHAPE_ERROR(gqa_attention_backward(Tensor({2, 3, 4, 7}), r.cache), "gqa_attention_backward");
    EXPECT_SHAPE_ERROR(gqa_attention_backward(Tensor({2, 3, 4}), r.cache), "gqa_attention_backward");
}
