// Graded tests for exercise IoU. Golden: tests/fixtures/04_cnn/detection.wbt (torchvision.ops.box_iou).
#include "chapters/04_cnn/detection.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(IoU, HandComputed, 2, "Overlap 1 of 4 + 4 - 1 = 7 gives 1/7; identical boxes give 1; a box inside another gives area ratio.") {
    const Tensor a({2, 4}, {0, 0, 2, 2, 0, 0, 4, 4});
    const Tensor b({3, 4}, {1, 1, 3, 3, 0, 0, 2, 2, 1, 1, 2, 2});
    EXPECT_TENSOR_NEAR(LEARNER(box_iou(a, b)), Tensor({2, 3}, {1.0f / 7, 1, 0.25f, 4.0f / 16, 4.0f / 16, 1.0f / 16}), tol::kExact);
}

GRADED_TEST(IoU, DisjointBoxesHaveZeroIoU, 2,
            "Clamp the intersection's width and height at 0 separately: two negatives multiply to a positive.") {
    const Tensor a({1, 4}, {0, 0, 1, 1});
    const Tensor b({2, 4}, {2, 2, 3, 3, 5, 0, 6, 1});  // diagonal apart; apart along x only
    EXPECT_TENSOR_NEAR(LEARNER(box_iou(a, b)), Tensor({1, 2}, {0, 0}), tol::kExact);
}

GRADED_TEST(IoU, MatchesTorchvision, 1, "Every pair (i, j): out is (N, M).") {
    const auto g = fixtures::load("04_cnn", "detection");
    EXPECT_TENSOR_NEAR(LEARNER(box_iou(g["a"], g["b"])), g["iou"], tol::kForward);
}

GRADED_TEST(IoU, RejectsBadShapes, 1, "Boxes are (N, 4): ShapeError naming box_iou.") {
    EXPECT_SHAPE_ERROR(box_iou(Tensor({2, 3}), Tensor({1, 4})), "box_iou");
}
