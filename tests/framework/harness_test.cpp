// The grading harness's own checks: what EXPECT_SHAPE_ERROR accepts as naming an op.
#include <gtest/gtest.h>

#include "tests/harness/graded.hpp"

using wb::grading::names_op;

TEST(NamesOp, AcceptsTheOpAsAWholeName) {
    EXPECT_TRUE(names_op("softmax: x has shape (), expected a non-empty tensor", "softmax"));
    EXPECT_TRUE(names_op("softmax", "softmax"));
    EXPECT_TRUE(names_op("shape error in softmax (x is empty)", "softmax"));
    EXPECT_TRUE(names_op("Tensor::dim: index 4 out of range", "Tensor::dim"));
    EXPECT_TRUE(names_op("masked_softmax: bad mask; then softmax: empty", "softmax"));  // a later whole match
}

TEST(NamesOp, RejectsAnotherOpThatContainsIt) {
    EXPECT_FALSE(names_op("masked_softmax: scores (2, 3) and mask (4, 4)", "softmax"));
    EXPECT_FALSE(names_op("softmax_rows: empty", "softmax"));
    EXPECT_FALSE(names_op("wb::softmax::impl: empty", "softmax"));
    EXPECT_FALSE(names_op("conv2d_forward_naive: x (1, 3, 5, 5)", "conv2d_forward"));
    EXPECT_FALSE(names_op("", "softmax"));
    EXPECT_FALSE(names_op("softmax: x", ""));
}
