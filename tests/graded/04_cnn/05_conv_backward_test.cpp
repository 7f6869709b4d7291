// Graded tests for exercise Conv2dBackward. Goldens: tests/fixtures/04_cnn/conv_*.wbt (autograd).
#include "framework/gradcheck.hpp"
#include "tests/graded/04_cnn/common.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(Conv2dBackward, WeightAndBiasGradientsMatchAutograd, 3,
            "dW = sum over images of dOut_n (F, OH*OW) x im2col(x_n)^T; db sums dOut over n, i, j.") {
    for (const auto& name : cnn_test::kConvCases) {
        SCOPED_TRACE(name);
        const auto g = fixtures::load("04_cnn", name);
        const bool has_bias = cnn_test::has_bias(name);
        const Conv2dGrads d = LEARNER(conv2d_backward(g["dout"], g["x"], g["w"], has_bias, cnn_test::params_of(g)));
        EXPECT_TENSOR_NEAR(d.dw, g["dw"], tol::kBackward);
        if (has_bias) EXPECT_TENSOR_NEAR(d.db, g["db"], tol::kBackward);
        else EXPECT_TRUE(d.db.empty()) << "no bias in the forward pass: db should be empty";
    }
}

GRADED_TEST(Conv2dBackward, InputGradientMatchesAutograd, 3,
            "dX = col2im(W^T dOut_n): add every column entry back to the pixel it came from; padding entries are dropped.") {
    for (const auto& name : cnn_test::kConvCases) {
        SCOPED_TRACE(name);
        const auto g = fixtures::load("04_cnn", name);
        const Conv2dGrads d = LEARNER(conv2d_backward(g["dout"], g["x"], g["w"], cnn_test::has_bias(name), cnn_test::params_of(g)));
        EXPECT_TENSOR_NEAR(d.dx, g["dx"], tol::kBackward);
    }
}

GRADED_TEST(Conv2dBackward, SkipsInputGradientWhenNotNeeded, 1, "need_dx = false: leave dx empty (the first layer has no use for it).") {
    const auto g = fixtures::load("04_cnn", "conv_basic");
    const Conv2dGrads d = LEARNER(conv2d_backward(g["dout"], g["x"], g["w"], true, {}, false));
    EXPECT_TRUE(d.dx.empty());
    EXPECT_TENSOR_NEAR(d.dw, g["dw"], tol::kBackward);
}

// Tolerance: float32 forward, centered differences with h = 1e-2; floor 1e-3, threshold 1e-2.
GRADED_TEST(Conv2dBackward, GradientCheck, 1, "Check dX and dW separately; a stride or dilation forgotten in one place shows here.") {
    Rng rng(9);
    const Conv2dParams p{2, 1, 1};
    const Tensor x = Tensor::randn({1, 2, 5, 4}, rng), w = Tensor::randn({2, 2, 3, 3}, rng), b = Tensor::randn({2}, rng);
    const Tensor out = LEARNER(conv2d_forward(x, w, b, p));
    const Tensor dout = Tensor::randn(out.shape(), rng);
    auto loss = [&](const Tensor& xx, const Tensor& ww) {
        const Tensor o = LEARNER(conv2d_forward(xx, ww, b, p));
        double s = 0.0;
        for (std::size_t i = 0; i < o.size(); ++i) s += static_cast<double>(o[i]) * dout[i];
        return s;
    };
    const Conv2dGrads d = LEARNER(conv2d_backward(dout, x, w, true, p));
    EXPECT_LT(relative_error(d.dx, numeric_gradient([&](const Tensor& t) { return loss(t, w); }, x), 1e-3), 1e-2) << "dx";
    EXPECT_LT(relative_error(d.dw, numeric_gradient([&](const Tensor& t) { return loss(x, t); }, w), 1e-3), 1e-2) << "dw";
}

GRADED_TEST(Conv2dBackward, RejectsWrongDout, 1, "dout must have the forward output's shape (N, F, OH, OW).") {
    const auto g = fixtures::load("04_cnn", "conv_basic");
    EXPECT_SHAPE_ERROR(conv2d_backward(Tensor({2, 4, 6, 6}), g["x"], g["w"], true), "conv2d_backward");
}

GRADED_TEST(Conv2dBackward, WeightGradientSumsOverTheBatch, 1,
            "dW and db of a batch are the sums of each image's dW and db: accumulate across images, never overwrite.") {
    Rng rng(21);
    const Tensor x = Tensor::randn({7, 2, 6, 5}, rng), w = Tensor::randn({3, 2, 3, 3}, rng);
    const Tensor dout = Tensor::randn({7, 3, 4, 3}, rng);
    const Conv2dGrads batch = LEARNER(conv2d_backward(dout, x, w, true, {}, false));
    Tensor dw_sum(w.shape()), db_sum({3});
    for (int n = 0; n < 7; ++n) {
        const std::size_t xs = 2 * 6 * 5, ds = 3 * 4 * 3;
        const Tensor xn({1, 2, 6, 5}, std::vector<float>(x.begin() + n * xs, x.begin() + (n + 1) * xs));
        const Tensor dn({1, 3, 4, 3}, std::vector<float>(dout.begin() + n * ds, dout.begin() + (n + 1) * ds));
        const Conv2dGrads one = LEARNER(conv2d_backward(dn, xn, w, true, {}, false));
        for (std::size_t i = 0; i < dw_sum.size(); ++i) dw_sum[i] += one.dw[i];
        for (std::size_t i = 0; i < 3; ++i) db_sum[i] += one.db[i];
    }
    EXPECT_TENSOR_NEAR(batch.dw, dw_sum, tol::kForward);
    EXPECT_TENSOR_NEAR(batch.db, db_sum, tol::kForward);
}
