// Graded tests for exercise NMS. Golden: tests/fixtures/04_cnn/detection.wbt (torchvision.ops.nms).
#include "chapters/04_cnn/detection.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(NMS, HandComputed, 2, "Keep the best box, drop those overlapping it by more than the threshold, repeat with what is left.") {
    // boxes 0 and 1 overlap heavily (IoU 0.81), box 2 is far away; box 1 has the best score
    const Tensor boxes({3, 4}, {0, 0, 10, 10, 1, 1, 10, 10, 20, 20, 30, 30});
    const Tensor scores({3}, {0.8f, 0.9f, 0.5f});
    EXPECT_EQ(LEARNER(nms(boxes, scores, 0.5f)), (std::vector<int>{1, 2}));
    EXPECT_EQ(LEARNER(nms(boxes, scores, 0.9f)), (std::vector<int>{1, 0, 2})) << "IoU 0.81 is not above 0.9: nothing suppressed";
}

GRADED_TEST(NMS, SuppressedBoxesSuppressNothing, 1,
            "A box that was suppressed cannot suppress others: chain A > B > C with A-C apart keeps A and C.") {
    const Tensor boxes({3, 4}, {0, 0, 10, 10, 4, 0, 14, 10, 8, 0, 18, 10});  // IoU(A,B) = IoU(B,C) = 0.43, IoU(A,C) = 0.11
    const Tensor scores({3}, {0.9f, 0.8f, 0.7f});
    EXPECT_EQ(LEARNER(nms(boxes, scores, 0.3f)), (std::vector<int>{0, 2}));
}

GRADED_TEST(NMS, MatchesTorchvision, 2, "Visit boxes by descending score; suppress when IoU > threshold (strictly).") {
    const auto g = fixtures::load("04_cnn", "detection");
    for (const auto& [threshold, key] : {std::pair{0.3f, "keep_3"}, std::pair{0.5f, "keep_5"}, std::pair{0.7f, "keep_7"}}) {
        EXPECT_EQ(LEARNER(nms(g["boxes"], g["scores"], threshold)), fixtures::as_ints(g[key])) << "threshold " << threshold;
    }
}

GRADED_TEST(NMS, RejectsBadShapes, 1, "boxes (N, 4) and scores (N): ShapeError naming nms.") {
    EXPECT_SHAPE_ERROR(nms(Tensor({3, 4}), Tensor({2}), 0.5f), "nms");
}
