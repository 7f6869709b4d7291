// Graded tests for exercise TransposedConvShape. Golden: tests/fixtures/04_cnn/transposed_shapes.wbt (the output
// lengths of torch.nn.ConvTranspose1d over a grid of sizes, strides, paddings, output paddings and dilations).
#include <vector>

#include "chapters/04_cnn/shapes.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(TransposedConvShape, WorkedExamples, 2,
            "out = (in - 1) s - 2p + d(k - 1) + output_padding + 1: the inputs are placed s apart, each spreads a kernel.") {
    EXPECT_EQ(LEARNER(conv_transpose_output_size(4, 4, 2, 1)), 8);         // DCGAN's and U-Net's 2x upsampling
    EXPECT_EQ(LEARNER(conv_transpose_output_size(13, 3, 2)), 27);
    EXPECT_EQ(LEARNER(conv_transpose_output_size(13, 3, 2, 0, 1)), 28);    // output_padding picks the other length
    EXPECT_EQ(LEARNER(conv_transpose_output_size(26, 3)), 28);             // undoes the chapter 07 conv, 28 -> 26
    EXPECT_EQ(LEARNER(conv_transpose_output_size(5, 3, 1, 0, 1, 2)), 10);  // dilation 2: the kernel spans 5
    EXPECT_EQ(LEARNER(conv_transpose_output_size(1, 1)), 1);
}

GRADED_TEST(TransposedConvShape, MatchesPyTorch, 2,
            "718 cases from ConvTranspose1d: padding comes off both ends (2p), dilation stretches the kernel to d(k - 1) + 1.") {
    const auto g = fixtures::load("04_cnn", "transposed_shapes");
    const Tensor& cases = g["inputs"];  // (M, 6): in k s p op d
    ASSERT_GT(cases.dim(0), 700);
    const auto at = [&](int i, int column) { return static_cast<int>(cases(i, column)); };
    std::vector<int> got;
    for (int i = 0; i < cases.dim(0); ++i)
        got.push_back(LEARNER(conv_transpose_output_size(at(i, 0), at(i, 1), at(i, 2), at(i, 3), at(i, 4), at(i, 5))));
    const Tensor out = EXPECTED(g["out"]);  // (M): PyTorch's lengths
    int wrong = 0;
    for (std::size_t i = 0; i < out.size(); ++i)
        if (got[i] != static_cast<int>(out[i]) && ++wrong <= 5) {
            const int c = static_cast<int>(i);
            ADD_FAILURE() << "conv_transpose_output_size(input " << at(c, 0) << ", kernel " << at(c, 1) << ", stride "
                          << at(c, 2) << ", padding " << at(c, 3) << ", output_padding " << at(c, 4) << ", dilation "
                          << at(c, 5) << ") = " << got[i] << ", PyTorch gives " << out[i];
        }
    EXPECT_EQ(wrong, 0) << "cases that differ from PyTorch";
}

GRADED_TEST(TransposedConvShape, RejectsImpossibleCombinations, 2,
            "ShapeError naming conv_transpose_output_size for sizes < 1, negative paddings, output_padding >= max(s, d), "
            "or a padding that leaves no output.") {
    EXPECT_SHAPE_ERROR(conv_transpose_output_size(0, 3), "conv_transpose_output_size");
    EXPECT_SHAPE_ERROR(conv_transpose_output_size(4, 0), "conv_transpose_output_size");
    EXPECT_SHAPE_ERROR(conv_transpose_output_size(4, 3, 0), "conv_transpose_output_size");
    EXPECT_SHAPE_ERROR(conv_transpose_output_size(4, 3, 1, -1), "conv_transpose_output_size");
    EXPECT_SHAPE_ERROR(conv_transpose_output_size(4, 3, 1, 0, -1), "conv_transpose_output_size");
    EXPECT_SHAPE_ERROR(conv_transpose_output_size(4, 3, 1, 0, 0, 0), "conv_transpose_output_size");
    EXPECT_SHAPE_ERROR(conv_transpose_output_size(4, 3, 2, 0, 2), "conv_transpose_output_size");  // op = stride
    EXPECT_SHAPE_ERROR(conv_transpose_output_size(4, 3, 1, 0, 1), "conv_transpose_output_size");  // op = s = d = 1
    EXPECT_SHAPE_ERROR(conv_transpose_output_size(1, 1, 1, 1), "conv_transpose_output_size");     // 1 - 2 < 1
    EXPECT_SHAPE_ERROR(conv_transpose_output_size(2, 2, 1, 2), "conv_transpose_output_size");     // 3 - 4 < 1
    EXPECT_SHAPE_ERROR(conv_transpose_output_size(1, 2, 1, 1), "conv_transpose_output_size");     // exactly 0
}
