// Graded tests for exercise ConfusionMatrix.
#include "chapters/07_cnn_program/training.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(ConfusionMatrix, RowsAreTheTruth, 2, "Entry (true, predicted): row t counts the samples of class t.") {
    const Tensor truth({6}, {0, 0, 1, 2, 2, 2});
    const Tensor predicted({6}, {0, 1, 1, 2, 0, 2});
    EXPECT_TENSOR_NEAR(LEARNER(confusion_matrix(predicted, truth, 3)), Tensor({3, 3}, {1, 1, 0, 0, 1, 0, 1, 0, 2}), tol::kExact);
}

GRADED_TEST(ConfusionMatrix, RejectsBadLabels, 1, "Labels outside [0, K) or different lengths: ShapeError naming confusion_matrix.") {
    EXPECT_SHAPE_ERROR(confusion_matrix(Tensor({2}, {0, 3}), Tensor({2}, {0, 1}), 3), "confusion_matrix");
    EXPECT_SHAPE_ERROR(confusion_matrix(Tensor({2}), Tensor({3}), 3), "confusion_matrix");
}
