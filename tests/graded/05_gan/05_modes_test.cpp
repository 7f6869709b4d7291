// Graded tests for exercise ModeCoverage.
#include <vector>

#include "chapters/05_gan/modes.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(ModeCoverage, HandComputed, 2,
            "Nearest centre first (the lower index on a tie), then count it only if distance <= radius; covered means counts >= min_count.") {
    const Tensor centres({2, 2}, {1, 0, -1, 0});
    const ModeCoverage m = LEARNER(mode_coverage(Tensor({2, 2}, {0.9f, 0, 3, 0}), centres, 0.5f, 1));
    EXPECT_EQ(m.counts, (std::vector<int>{1, 0}));
    EXPECT_EQ(m.covered, 1);
    EXPECT_DOUBLE_EQ(m.high_quality, 0.5);
    // (0, 0) is equally far from both: mode 0; (-1, 0.5) lies exactly on mode 1's radius and counts
    const ModeCoverage edge = LEARNER(mode_coverage(Tensor({2, 2}, {0, 0, -1, 0.5f}), centres, 1.0f, 1));
    EXPECT_EQ(edge.counts, (std::vector<int>{1, 1}));
    EXPECT_EQ(edge.covered, 2);
}

GRADED_TEST(ModeCoverage, ACollapsedGeneratorCoversOneMode, 1,
            "Samples all on one mode: high quality 1, but covered 1 of 8. min_count applies to each mode's own count.") {
    const Tensor centres = ring_of_modes(8, 2.0f);
    Tensor samples({100, 2});
    for (int i = 0; i < 100; ++i) samples(i, 0) = centres(3, 0) + 0.001f * (i % 7), samples(i, 1) = centres(3, 1);
    samples(0, 0) = centres(5, 0), samples(0, 1) = centres(5, 1);  // one stray sample on mode 5
    const ModeCoverage m = LEARNER(mode_coverage(samples, centres, 0.1f, 2));
    EXPECT_EQ(m.covered, 1) << "mode 5 has one sample, below min_count 2";
    EXPECT_EQ(m.counts[3], 99);
    EXPECT_EQ(m.counts[5], 1);
    EXPECT_DOUBLE_EQ(m.high_quality, 1.0);
}

GRADED_TEST(ModeCoverage, RejectsPointsThatAreNotTwoDimensional, 1, "samples and centres are (*, 2) and not empty; name mode_coverage.") {
    EXPECT_SHAPE_ERROR(mode_coverage(Tensor({3, 3}), Tensor({2, 2}), 1.0f, 1), "mode_coverage");
    EXPECT_SHAPE_ERROR(mode_coverage(Tensor({3, 2}), Tensor({0, 2}), 1.0f, 1), "mode_coverage");
}
