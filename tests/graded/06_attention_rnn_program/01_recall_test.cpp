// Graded tests for exercise MarkedRecall.
#include "chapters/06_attention_rnn_program/recall.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(MarkedRecall, OneDigitPerStepOneMarkAndItsLabel, 1,
            "Every step has exactly one digit feature set (0..9); exactly one step per sequence has feature 10 set; "
            "the label is the digit at that step.") {
    Rng rng(3);
    const RecallBatch b = LEARNER(make_marked_recall(50, 12, rng));
    ASSERT_EQ(b.x.shape(), (Shape{50, 12, kRecallFeatures}));
    ASSERT_EQ(b.labels.shape(), (Shape{50}));
    ASSERT_EQ(b.positions.shape(), (Shape{50}));
    std::vector<int> marks_at(12, 0);
    for (int n = 0; n < 50; ++n) {
        int marks = 0;
        for (int t = 0; t < 12; ++t) {
            float ones = 0;
            for (int d = 0; d < kDigits; ++d) ones += b.x(n, t, d);
            ASSERT_EQ(ones, 1.0f) << "sequence " << n << ", step " << t << ": one digit feature must be 1";
            marks += b.x(n, t, kDigits) == 1.0f;
        }
        ASSERT_EQ(marks, 1) << "sequence " << n << " has " << marks << " marks";
        const int p = static_cast<int>(b.positions[n]);
        ASSERT_EQ(b.x(n, p, kDigits), 1.0f) << "positions[" << n << "] is not where the mark is";
        EXPECT_EQ(b.x(n, p, static_cast<int>(b.labels[n])), 1.0f) << "label " << n << " is not the digit at the mark";
        ++marks_at[p];
    }
    int used = 0;
    for (int count : marks_at) used += count > 0;
    EXPECT_GE(used, 8) << "the mark should fall anywhere, not always at the same few steps";
}

GRADED_TEST(MarkedRecall, DrawsInTheDocumentedOrder, 1,
            "Per sequence: its digits first (rng.below(10), step 0 first), then the mark (rng.below(length)). "
            "The same seed must give the same batch as the contract's order.") {
    Rng rng(7), replay(7);
    const RecallBatch b = LEARNER(make_marked_recall(4, 9, rng));
    for (int n = 0; n < 4; ++n) {
        for (int t = 0; t < 9; ++t) {
            const int digit = static_cast<int>(replay.below(10));
            ASSERT_EQ(b.x(n, t, digit), 1.0f) << "sequence " << n << ", step " << t << " should hold digit " << digit;
        }
        const int mark = static_cast<int>(replay.below(9));
        EXPECT_EQ(b.positions[n], static_cast<float>(mark)) << "sequence " << n << "'s mark";
    }
}

GRADED_TEST(MarkedRecall, RejectsEmptyBatches, 1, "N >= 1 and T >= 1, else a ShapeError naming make_marked_recall.") {
    Rng rng(1);
    EXPECT_SHAPE_ERROR(make_marked_recall(0, 5, rng), "make_marked_recall");
    EXPECT_SHAPE_ERROR(make_marked_recall(3, 0, rng), "make_marked_recall");
}
