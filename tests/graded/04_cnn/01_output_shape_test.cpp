// Graded tests for exercise OutputShape.
#include "chapters/04_cnn/shapes.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(OutputShape, PlainAndStrided, 2, "out = floor((in + 2p - d(k - 1) - 1) / s) + 1; the floor drops windows that do not fit.") {
    EXPECT_EQ(LEARNER(conv_output_size(28, 3)), 26);           // the chapter 07 conv
    EXPECT_EQ(LEARNER(conv_output_size(26, 2, 2)), 13);        // its 2x2 pool
    EXPECT_EQ(LEARNER(conv_output_size(7, 2, 2)), 3);          // floor: the last row is dropped
    EXPECT_EQ(LEARNER(conv_output_size(224, 7, 2, 3)), 112);   // ResNet's stem
    EXPECT_EQ(LEARNER(conv_output_size(5, 3, 2, 1)), 3);
}

GRADED_TEST(OutputShape, PaddingAndDilation, 2, "A dilated kernel spans d(k - 1) + 1 inputs; 'same' padding for k = 3 is p = 1.") {
    EXPECT_EQ(LEARNER(conv_output_size(32, 3, 1, 1)), 32);      // 'same'
    EXPECT_EQ(LEARNER(conv_output_size(8, 3, 1, 2, 2)), 8);     // span 5, padded 12
    EXPECT_EQ(LEARNER(conv_output_size(10, 3, 1, 0, 4)), 2);    // span 9
    EXPECT_EQ(LEARNER(conv_output_size(11, 5, 3)), 3);
    EXPECT_EQ(LEARNER(conv_output_size(1, 1)), 1);
}

GRADED_TEST(OutputShape, RejectsImpossibleCombinations, 2,
            "Throw ShapeError naming conv_output_size for stride or dilation < 1, padding < 0, or a kernel that does not fit.") {
    EXPECT_SHAPE_ERROR(conv_output_size(2, 3), "conv_output_size");        // kernel larger than the input
    EXPECT_SHAPE_ERROR(conv_output_size(5, 3, 1, 0, 3), "conv_output_size");  // span 7 > 5
    EXPECT_SHAPE_ERROR(conv_output_size(5, 3, 0), "conv_output_size");
    EXPECT_SHAPE_ERROR(conv_output_size(5, 3, 1, -1), "conv_output_size");
    EXPECT_SHAPE_ERROR(conv_output_size(5, 3, 1, 0, 0), "conv_output_size");
    EXPECT_SHAPE_ERROR(conv_output_size(0, 1), "conv_output_size");
}
