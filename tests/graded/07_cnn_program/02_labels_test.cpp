// Graded tests for exercise BinaryLabels.
#include "chapters/07_cnn_program/training.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(BinaryLabels, FootwearIsSandalSneakerAnkleBoot, 2, "Labels 5 (sandal), 7 (sneaker) and 9 (ankle boot) are 1; shape (N, 1).") {
    const Tensor labels({10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    EXPECT_TENSOR_NEAR(LEARNER(footwear_targets(labels)), Tensor({10, 1}, {0, 0, 0, 0, 0, 1, 0, 1, 0, 1}), tol::kExact);
}
