// Graded tests for exercise Conv2dNaive. Goldens: tests/fixtures/04_cnn/conv_*.wbt (torch.nn.functional.conv2d).
#include "tests/graded/04_cnn/common.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(Conv2dNaive, HandComputed, 1, "out[i, j] = sum over the window of w * x, plus the bias: no kernel flip.") {
    const Tensor x({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
    const Tensor w({1, 1, 2, 2}, {1, 0, 0, -1});
    EXPECT_TENSOR_NEAR(LEARNER(conv2d_forward_naive(x, w, Tensor({1}, {0.5f}))), Tensor({1, 1, 2, 2}, {-3.5f, -3.5f, -3.5f, -3.5f}),
                       tol::kExact);
}

GRADED_TEST(Conv2dNaive, MatchesPyTorch, 3,
            "Input row i*stride + u*dilation - padding; out-of-range rows and columns read as zero.") {
    for (const auto& name : cnn_test::kConvCases) {
        SCOPED_TRACE(name);
        const auto g = fixtures::load("04_cnn", name);
        EXPECT_TENSOR_NEAR(LEARNER(conv2d_forward_naive(g["x"], g["w"], cnn_test::bias_of(name, g), cnn_test::params_of(g))),
                           g["out"], tol::kForward);
    }
}

GRADED_TEST(Conv2dNaive, RejectsMismatchedShapes, 1, "x's channels must equal w's (F, C, KH, KW) C; name conv2d_forward_naive.") {
    EXPECT_SHAPE_ERROR(conv2d_forward_naive(Tensor({1, 3, 5, 5}), Tensor({2, 2, 3, 3}), Tensor()), "conv2d_forward_naive");
    EXPECT_SHAPE_ERROR(conv2d_forward_naive(Tensor({1, 1, 2, 2}), Tensor({2, 1, 3, 3}), Tensor()), "conv2d_forward_naive");
    EXPECT_SHAPE_ERROR(conv2d_forward_naive(Tensor({1, 1, 5, 5}), Tensor({2, 1, 3, 3}), Tensor({3})), "conv2d_forward_naive");
}
