// Graded tests for exercise SegmentationMetrics. Golden: tests/fixtures/04_cnn/segmentation.wbt.
#include <cmath>

#include "chapters/04_cnn/segmentation.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(SegmentationMetrics, HandComputed, 2, "IoU_c = |pred = c and true = c| / |pred = c or true = c|; pixel accuracy counts pixels.") {
    const Tensor target({1, 2, 3}, {0, 0, 1, 1, 1, 2});
    const Tensor pred({1, 2, 3}, {0, 1, 1, 1, 1, 1});
    const SegmentationScores s = LEARNER(segmentation_scores(pred, target, 3));
    EXPECT_NEAR(s.pixel_accuracy, 4.0 / 6, 1e-12);
    ASSERT_EQ(s.class_iou.size(), 3u);
    EXPECT_NEAR(s.class_iou[0], 1.0 / 2, 1e-12);
    EXPECT_NEAR(s.class_iou[1], 3.0 / 5, 1e-12);
    EXPECT_NEAR(s.class_iou[2], 0.0, 1e-12);
    EXPECT_NEAR(s.mean_iou, (0.5 + 0.6 + 0.0) / 3, 1e-12);
}

GRADED_TEST(SegmentationMetrics, AbsentClassIsLeftOut, 2,
            "A class in neither map has IoU 0/0: make it NaN and leave it out of the mean (not 0, not 1).") {
    const auto g = fixtures::load("04_cnn", "segmentation");
    const SegmentationScores s = LEARNER(segmentation_scores(g["pred"], g["target"], g.integer("num_classes")));
    ASSERT_EQ(s.class_iou.size(), 5u);
    EXPECT_TRUE(std::isnan(s.class_iou[4])) << "class 4 appears nowhere, got " << s.class_iou[4];
    EXPECT_NEAR(s.mean_iou, g.scalar("mean_iou"), 1e-6);
}

GRADED_TEST(SegmentationMetrics, MatchesReference, 1, "Count over every image of the batch.") {
    const auto g = fixtures::load("04_cnn", "segmentation");
    const SegmentationScores s = LEARNER(segmentation_scores(g["pred"], g["target"], g.integer("num_classes")));
    EXPECT_NEAR(s.pixel_accuracy, g.scalar("pixel_accuracy"), 1e-6);
    for (int c = 0; c < 4; ++c) EXPECT_NEAR(s.class_iou[static_cast<std::size_t>(c)], g["class_iou"][c], 1e-6) << "class " << c;
}

GRADED_TEST(SegmentationMetrics, RejectsBadInput, 1, "Different shapes or a label outside [0, K): ShapeError naming segmentation_scores.") {
    EXPECT_SHAPE_ERROR(segmentation_scores(Tensor({1, 2, 2}), Tensor({1, 2, 3}), 2), "segmentation_scores");
    EXPECT_SHAPE_ERROR(segmentation_scores(Tensor({1, 1, 2}, {0, 3}), Tensor({1, 1, 2}), 3), "segmentation_scores");
}
