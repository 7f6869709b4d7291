// Graded tests for exercise Conv2dIm2col. Goldens: tests/fixtures/04_cnn/conv_*.wbt (conv2d and F.unfold).
#include "tests/graded/04_cnn/common.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(Conv2dIm2col, Im2colMatchesUnfold, 2,
            "Row (c*KH + u)*KW + v, column i*OW + j: the same layout as torch.nn.functional.unfold.") {
    for (const auto& name : cnn_test::kConvCases) {
        SCOPED_TRACE(name);
        const auto g = fixtures::load("04_cnn", name);
        const Tensor& x = g["x"];
        const Tensor image = Tensor({x.dim(1), x.dim(2), x.dim(3)},
                                    std::vector<float>(x.begin(), x.begin() + x.dim(1) * x.dim(2) * x.dim(3)));
        EXPECT_TENSOR_NEAR(LEARNER(im2col(image, g["w"].dim(2), g["w"].dim(3), cnn_test::params_of(g))), g["cols0"], tol::kExact);
    }
}

GRADED_TEST(Conv2dIm2col, ForwardMatchesPyTorch, 3, "out[n] = W (F, C*KH*KW) x im2col(x[n]) (C*KH*KW, OH*OW), plus b per row.") {
    for (const auto& name : cnn_test::kConvCases) {
        SCOPED_TRACE(name);
        const auto g = fixtures::load("04_cnn", name);
        EXPECT_TENSOR_NEAR(LEARNER(conv2d_forward(g["x"], g["w"], cnn_test::bias_of(name, g), cnn_test::params_of(g))), g["out"],
                           tol::kForward);
    }
}

GRADED_TEST(Conv2dIm2col, ChapterSevenShapes, 1, "Batch 32 of 1x28x28 images, 32 filters 3x3: every image of the batch, not just the first.") {
    Rng rng(4);
    const Tensor x = Tensor::randn({32, 1, 28, 28}, rng), w = Tensor::randn({32, 1, 3, 3}, rng), b = Tensor::randn({32}, rng);
    const Tensor out = LEARNER(conv2d_forward(x, w, b));
    ASSERT_EQ(out.shape(), (Shape{32, 32, 26, 26}));
    // spot-check a few outputs of the last image by hand
    for (const auto [f, i, j] : {std::tuple{0, 0, 0}, std::tuple{31, 25, 25}, std::tuple{7, 13, 2}}) {
        float sum = b(f);
        for (int u = 0; u < 3; ++u)
            for (int v = 0; v < 3; ++v) sum += w(f, 0, u, v) * x(31, 0, i + u, j + v);
        EXPECT_NEAR(out(31, f, i, j), sum, 1e-4) << "out[31, " << f << ", " << i << ", " << j << "]";
    }
}

GRADED_TEST(Conv2dIm2col, RejectsMismatchedShapes, 1, "Same checks as the naive version; the error names conv2d_forward.") {
    EXPECT_SHAPE_ERROR(conv2d_forward(Tensor({1, 3, 5, 5}), Tensor({2, 2, 3, 3}), Tensor()), "conv2d_forward");
    EXPECT_SHAPE_ERROR(im2col(Tensor({1, 2, 2}), 3, 3), "im2col");
}
