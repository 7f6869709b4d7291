// Graded tests for exercise TopKTopP. Golden: tests/fixtures/09_transformer/sampling.wbt (the filters written out in
// Python; top-k checked there against torch.topk).
#include <cmath>
#include <string>

#include "chapters/09_transformer/sampling.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(TopKTopP, TopKMatchesGolden, 2,
            "Keep every token whose logit is >= the k-th largest (ties at the k-th stay), softmax over those, zero elsewhere.") {
    const auto g = fixtures::load("09_transformer", "sampling");
    for (int k : {1, 2, 3, 5}) {
        EXPECT_TENSOR_NEAR(LEARNER(sample_top_k(g["logits"], k, 1.0f, 0.5f)).probs, g["top_k_" + std::to_string(k)], tol::kForward)
            << "k = " << k;
    }
    EXPECT_TENSOR_NEAR(LEARNER(sample_top_k(g["logits"], 5, 0.5f, 0.5f)).probs, g["top_k_5_t_0_5"], tol::kForward)
        << "k = 5 at T = 0.5: the temperature divides the logits first";
}

GRADED_TEST(TopKTopP, TopKTiesAndLargeK, 1, "A tie at the k-th logit keeps both tokens; k >= V keeps every token (plain softmax).") {
    const Sample tie = LEARNER(sample_top_k(Tensor({4}, {2.0f, 1.0f, 1.0f, 0.0f}), 2, 1.0f, 0.99f));
    const float e = std::exp(1.0f);
    EXPECT_TENSOR_NEAR(tie.probs, Tensor({4}, {e / (e + 2), 1 / (e + 2), 1 / (e + 2), 0.0f}), tol::kForward);
    EXPECT_EQ(tie.token, 2);
    const auto g = fixtures::load("09_transformer", "sampling");
    EXPECT_TENSOR_NEAR(LEARNER(sample_top_k(g["logits"], 12, 1.0f, 0.5f)).probs, g["top_k_12"], tol::kForward) << "k = V";
    EXPECT_TENSOR_NEAR(LEARNER(sample_top_k(g["logits"], 20, 1.0f, 0.5f)).probs, g["top_k_20"], tol::kForward) << "k > V";
    EXPECT_SHAPE_ERROR(sample_top_k(Tensor({3}), 0, 1.0f, 0.5f), "sample_top_k");
}

GRADED_TEST(TopKTopP, TopPMatchesGolden, 2,
            "Sort by probability; take tokens until their mass is >= top_p (the one that crosses is taken); renormalise.") {
    const auto g = fixtures::load("09_transformer", "sampling");
    for (int tenths : {3, 6, 9}) {
        EXPECT_TENSOR_NEAR(LEARNER(sample_top_p(g["logits"], tenths / 10.0f, 1.0f, 0.5f)).probs,
                           g["top_p_" + std::to_string(tenths)], tol::kForward)
            << "top_p = 0." << tenths;
    }
    EXPECT_TENSOR_NEAR(LEARNER(sample_top_p(g["logits"], 0.6f, 2.0f, 0.5f)).probs, g["top_p_6_t_2"], tol::kForward)
        << "top_p = 0.6 at T = 2: the nucleus is taken from softmax(z / T)";
}

GRADED_TEST(TopKTopP, TopPBoundaryTiesAndOne, 1,
            "A token as probable as the last one taken is taken too; top_p = 1 keeps everything; a tiny top_p keeps the top token.") {
    // probs [0.4, 0.2, 0.2, 0.1, 0.1]: at top_p = 0.5, tokens 0 and 1 reach 0.6, and token 2 ties with token 1
    const Tensor z({5}, {std::log(4.0f), std::log(2.0f), std::log(2.0f), 0.0f, 0.0f});
    EXPECT_TENSOR_NEAR(LEARNER(sample_top_p(z, 0.5f, 1.0f, 0.5f)).probs, Tensor({5}, {0.5f, 0.25f, 0.25f, 0, 0}), tol::kForward);
    EXPECT_TENSOR_NEAR(LEARNER(sample_top_p(z, 1.0f, 1.0f, 0.5f)).probs, Tensor({5}, {0.4f, 0.2f, 0.2f, 0.1f, 0.1f}), tol::kForward);
    const Sample tiny = LEARNER(sample_top_p(z, 0.01f, 1.0f, 0.7f));
    EXPECT_TENSOR_NEAR(tiny.probs, Tensor({5}, {1, 0, 0, 0, 0}), tol::kForward);
    EXPECT_EQ(tiny.token, 0);
    EXPECT_SHAPE_ERROR(sample_top_p(z, 0.0f, 1.0f, 0.5f), "sample_top_p");
    EXPECT_SHAPE_ERROR(sample_top_p(z, 1.5f, 1.0f, 0.5f), "sample_top_p");
}
