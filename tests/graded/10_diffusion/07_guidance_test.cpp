// Graded tests for exercise Guidance: by hand (the operations are one line each; the tests pin their conventions).
#include "chapters/10_diffusion/guidance.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(Guidance, DropsLabelsBelowTheProbability, 2, "Label n becomes the null label when u_n < p (strictly); the others stay.") {
    const Tensor labels({5}, {3, 7, 0, 9, 1}), uniforms({5}, {0.05f, 0.5f, 0.1f, 0.0999f, 0.99f});
    EXPECT_TENSOR_NEAR(LEARNER(drop_labels(labels, uniforms, 0.1f, 10.0f)), Tensor({5}, {10, 7, 0, 10, 1}), tol::kExact);
    EXPECT_TENSOR_NEAR(LEARNER(drop_labels(labels, uniforms, 0.0f, 10.0f)), labels, tol::kExact) << "p = 0 keeps every label";
    EXPECT_TENSOR_NEAR(LEARNER(drop_labels(labels, uniforms, 1.0f, 10.0f)), Tensor({5}, 10.0f), tol::kExact)
        << "p = 1 drops every label";
}

GRADED_TEST(Guidance, GuidedPredictionScales, 2,
            "eps_u + s (eps_c - eps_u): s = 0 is unconditional, s = 1 conditional, s > 1 extrapolates past the conditional.") {
    const Tensor c({3}, {1.0f, -2.0f, 0.5f}), u({3}, {0.5f, 1.0f, 0.5f});
    EXPECT_TENSOR_NEAR(LEARNER(guided_prediction(c, u, 3.0f)), Tensor({3}, {2.0f, -8.0f, 0.5f}), tol::kExact) << "s = 3";
    EXPECT_TENSOR_NEAR(LEARNER(guided_prediction(c, u, 1.0f)), c, tol::kExact) << "s = 1";
    EXPECT_TENSOR_NEAR(LEARNER(guided_prediction(c, u, 0.0f)), u, tol::kExact) << "s = 0";
}

GRADED_TEST(Guidance, BadInput, 1, "p outside [0, 1], a negative scale or mismatched shapes is an error.") {
    EXPECT_SHAPE_ERROR(drop_labels(Tensor({2}), Tensor({2}), 1.5f, 10.0f), "drop_labels");
    EXPECT_SHAPE_ERROR(drop_labels(Tensor({2}), Tensor({3}), 0.1f, 10.0f), "drop_labels");
    EXPECT_SHAPE_ERROR(guided_prediction(Tensor({2}), Tensor({2}), -1.0f), "guided_prediction");
    EXPECT_SHAPE_ERROR(guided_prediction(Tensor({2}), Tensor({3}), 2.0f), "guided_prediction");
}
