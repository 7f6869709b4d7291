// Graded tests for exercise Accuracy.
#include "chapters/07_cnn_program/training.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(Accuracy, PredictLabelsFromProbabilitiesAndScores, 2,
            "(N, 1): 1 when p > 0.5; (N, C): the argmax, the first one on ties.") {
    EXPECT_TENSOR_NEAR(LEARNER(predict_labels(Tensor({4, 1}, {0.2f, 0.7f, 0.5f, 0.51f}))), Tensor({4}, {0, 1, 0, 1}), tol::kExact);
    EXPECT_TENSOR_NEAR(LEARNER(predict_labels(Tensor({3, 3}, {1, 5, 2, -1, -3, -2, 4, 4, 0}))), Tensor({3}, {1, 0, 0}), tol::kExact);
}

GRADED_TEST(Accuracy, CountsCorrectRows, 2, "Compare row by row; targets may be (N, 1) or (N).") {
    EXPECT_DOUBLE_EQ(LEARNER(accuracy(Tensor({4, 1}, {0.9f, 0.1f, 0.8f, 0.3f}), Tensor({4, 1}, {1, 0, 0, 0}))), 0.75);
    EXPECT_DOUBLE_EQ(LEARNER(accuracy(Tensor({2, 3}, {0, 1, 0, 3, 2, 1}), Tensor({2}, {1, 2}))), 0.5);
    EXPECT_SHAPE_ERROR(accuracy(Tensor({2, 3}), Tensor({3})), "accuracy");
}
