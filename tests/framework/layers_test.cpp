#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "framework/gradcheck.hpp"
#include "framework/layers.hpp"
#include "framework/losses.hpp"
#include "framework/model.hpp"
#include "framework/optim.hpp"
#include "framework/training.hpp"

using namespace wb;

static double weighted_sum(const Tensor& y, const Tensor& w) {
    double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y[i]) * w[i];
    return s;
}

TEST(GradCheck, RelativeErrorIsCs231nDefinition) {
    EXPECT_DOUBLE_EQ(relative_error(std::vector<double>{1.0, 2.0}, std::vector<double>{1.0, 2.0}), 0.0);
    EXPECT_DOUBLE_EQ(relative_error(std::vector<double>{1.0}, std::vector<double>{3.0}), 0.5);
    EXPECT_THROW(relative_error(std::vector<double>{1.0}, std::vector<double>{1.0, 2.0}), ShapeError);
}

TEST(GradCheck, DoublePrecisionCenteredDifferencesAreAccurate) {
    // f(x) = sum x_i^3 + x0 x1, grad = 3 x_i^2 + (x1, x0, 0)
    auto f = [](const std::vector<double>& x) { return x[0] * x[0] * x[0] + x[1] * x[1] * x[1] + x[2] * x[2] * x[2] + x[0] * x[1]; };
    const std::vector<double> x = {0.3, -1.2, 2.0};
    const std::vector<double> analytic = {3 * 0.09 - 1.2, 3 * 1.44 + 0.3, 12.0};
    EXPECT_LT(relative_error(numeric_gradient(f, x), analytic), 1e-7);
    // and a wrong gradient is caught
    EXPECT_GT(relative_error(numeric_gradient(f, x), std::vector<double>{0.27, 4.32, 12.0}), 1e-2);
}

TEST(Dense, ForwardIsXWTransposePlusB) {
    Rng rng(0);
    Dense fc(2, 3, rng);
    fc.weight = Tensor({3, 2}, {1, 2, 3, 4, 5, 6});
    fc.bias = Tensor({3}, {0.5f, 0, -1});
    const Tensor y = fc.forward(Tensor({1, 2}, {1, -1}));
    EXPECT_EQ(std::vector<float>(y.begin(), y.end()), (std::vector<float>{-0.5f, -1.0f, -2.0f}));
    EXPECT_THROW(fc.forward(Tensor({1, 3})), ShapeError);
}

TEST(Dense, BackwardPassesGradientCheck) {
    Rng rng(1);
    Dense fc(4, 3, rng);
    const Tensor x = Tensor::randn({5, 4}, rng), dout = Tensor::randn({5, 3}, rng);
    fc.forward(x);
    const Tensor dx = fc.backward(dout);
    const Tensor w0 = fc.weight;
    const Tensor nx = numeric_gradient([&](const Tensor& xx) { return weighted_sum(fc.forward(xx), dout); }, x);
    EXPECT_LT(relative_error(dx, nx, 1e-3), 1e-2);
    const Tensor analytic_dw = fc.weight_grad;
    const Tensor nw = numeric_gradient([&](const Tensor& w) { fc.weight = w; return weighted_sum(fc.forward(x), dout); }, w0);
    EXPECT_LT(relative_error(analytic_dw, nw, 1e-3), 1e-2);
}

// (N, T, in) runs every (n, t) through the same weights, as torch.nn.Linear: equal to the rows one by one.
TEST(Dense, SequencesAreRowsOfOneProduct) {
    Rng rng(5);
    Dense dense(3, 2, rng, Init::torch_default);
    const Tensor x = Tensor::randn({2, 4, 3}, rng);
    const Tensor y = dense.forward(x);
    ASSERT_EQ(y.shape(), (Shape{2, 4, 2}));
    const Tensor rows = dense.forward(x.reshaped({8, 3}));
    for (std::size_t i = 0; i < y.size(); ++i) EXPECT_EQ(y[i], rows[i]);
    dense.forward(x);
    const Tensor dout = Tensor::randn({2, 4, 2}, rng);
    const Tensor dx = dense.backward(dout);
    ASSERT_EQ(dx.shape(), x.shape());
    const Tensor dw = dense.weight_grad;
    const Tensor nw = numeric_gradient([&](const Tensor& w) { Dense d = dense; d.weight = w; return weighted_sum(d.forward(x), dout); },
                                       dense.weight);
    EXPECT_LT(relative_error(dw, nw, 1e-3), 1e-2);
    const Tensor nx = numeric_gradient([&](const Tensor& v) { Dense d = dense; return weighted_sum(d.forward(v), dout); }, x);
    EXPECT_LT(relative_error(dx, nx, 1e-3), 1e-2);
    EXPECT_THROW(dense.forward(Tensor({2, 4, 5})), ShapeError);
    EXPECT_EQ(dense.output_shape({7, 9, 3}), (Shape{7, 9, 2}));
}

TEST(MeanOverTime, AveragesStepsAndSpreadsTheGradient) {
    MeanOverTime mean;
    const Tensor x({1, 2, 3}, {1, 2, 3, 5, 6, 7});
    const Tensor y = mean.forward(x);
    ASSERT_EQ(y.shape(), (Shape{1, 3}));
    EXPECT_FLOAT_EQ(y[0], 3.0f);
    EXPECT_FLOAT_EQ(y[2], 5.0f);
    const Tensor dx = mean.backward(Tensor({1, 3}, {2, 4, 6}));
    ASSERT_EQ(dx.shape(), x.shape());
    EXPECT_FLOAT_EQ(dx[0], 1.0f);
    EXPECT_FLOAT_EQ(dx[5], 3.0f);
    EXPECT_THROW(mean.backward(Tensor({1, 2})), ShapeError);
}

TEST(MinibatchStddev, AppendsEachFeaturesSpreadOverItsGroup) {
    MinibatchStddev layer(2);
    // two groups of two rows: {1, 3} and {5, 5} in feature 0; {0, 4} and {2, 8} in feature 1
    const Tensor y = layer.forward(Tensor({4, 2}, {1, 0, 3, 4, 5, 2, 5, 8}));
    ASSERT_EQ(y.shape(), (Shape{4, 4}));
    EXPECT_FLOAT_EQ(y(1, 0), 3.0f);  // the row itself first
    EXPECT_FLOAT_EQ(y(1, 1), 4.0f);
    EXPECT_NEAR(y(0, 2), 1.0f, 1e-6);  // population std of {1, 3}
    EXPECT_NEAR(y(1, 3), 2.0f, 1e-6);  // of {0, 4}
    EXPECT_NEAR(y(2, 2), 1e-4f, 1e-6);  // {5, 5}: sqrt(0 + 1e-8), the group's own, not the batch's
    EXPECT_NEAR(y(3, 3), 3.0f, 1e-6);
    EXPECT_EQ(layer.output_shape({4, 2}), (Shape{4, 4}));
    EXPECT_THROW(layer.forward(Tensor({3, 2})), ShapeError);  // not whole groups
    EXPECT_NO_THROW(MinibatchStddev(8).forward(Tensor({3, 2})));  // fewer rows than a group: one group
}

TEST(MinibatchStddev, BackwardPassesGradientCheck) {
    Rng rng(4);
    const Tensor x = Tensor::randn({6, 5}, rng), dout = Tensor::randn({6, 10}, rng);
    MinibatchStddev layer(3);
    layer.forward(x);
    const Tensor dx = layer.backward(dout);
    const Tensor n = numeric_gradient([&](const Tensor& xx) { return weighted_sum(layer.forward(xx), dout); }, x, 1e-3f);
    EXPECT_LT(relative_error(dx, n, 1e-3), 1e-2);
    EXPECT_THROW(layer.backward(Tensor({6, 5})), ShapeError);
}

// A GAN run with one seed once parted from itself after its first epoch: the layer kept its spreads in a
// std::vector, whose address decided which values Eigen's square root took one at a time and which in SIMD
// lanes (not bit-equal). Layers built after heap blocks of every size mod 64 bytes must agree to the bit.
TEST(MinibatchStddev, SameBitsWhereverTheHeapPutsItsBuffers) {
    Rng rng(5);
    const Tensor x = Tensor::randn({32, 1000}, rng, 3.0f), dout = Tensor::randn({32, 2000}, rng);
    MinibatchStddev first(16);
    const Tensor y = first.forward(x), dx = first.backward(dout);
    std::vector<std::unique_ptr<std::vector<float>>> shifts;  // kept alive, so the next blocks land elsewhere
    for (int floats = 1; floats <= 16; ++floats) {
        shifts.push_back(std::make_unique<std::vector<float>>(static_cast<std::size_t>(floats) * 997));
        MinibatchStddev again(16);
        const Tensor y2 = again.forward(x), dx2 = again.backward(dout);
        ASSERT_EQ(std::vector<float>(y.begin(), y.end()), std::vector<float>(y2.begin(), y2.end())) << floats;
        ASSERT_EQ(std::vector<float>(dx.begin(), dx.end()), std::vector<float>(dx2.begin(), dx2.end())) << floats;
    }
}

TEST(ChannelStddev, AppendsEachChannelsSpreadOfMeansOverItsGroup) {
    ChannelStddev layer(2, 2);
    // two channels of two positions; rows 0-1 one group, rows 2-3 another. Channel means per row:
    // row 0 {1, 0}, row 1 {3, 4}, row 2 {5, 2}, row 3 {5, 8}
    const Tensor x({4, 4}, {0, 2, -1, 1,  3, 3, 4, 4,  5, 5, 0, 4,  4, 6, 8, 8});
    const Tensor y = layer.forward(x);
    ASSERT_EQ(y.shape(), (Shape{4, 6}));
    EXPECT_FLOAT_EQ(y(1, 3), 4.0f);     // the row itself first
    EXPECT_NEAR(y(0, 4), 1.0f, 1e-6);   // population std of the means {1, 3}, not of the pixels
    EXPECT_NEAR(y(1, 5), 2.0f, 1e-6);   // of {0, 4}
    EXPECT_NEAR(y(2, 4), 1e-4f, 1e-6);  // {5, 5}: sqrt(0 + 1e-8), though the pixels of rows 2 and 3 differ
    EXPECT_NEAR(y(3, 5), 3.0f, 1e-6);   // of {2, 8}
    EXPECT_EQ(layer.output_shape({4, 4}), (Shape{4, 6}));
    EXPECT_THROW(layer.forward(Tensor({3, 4})), ShapeError);   // not whole groups
    EXPECT_THROW(layer.forward(Tensor({4, 5})), ShapeError);   // 5 features are not 2 channels
    EXPECT_THROW(ChannelStddev(0, 2), std::invalid_argument);
}

TEST(ChannelStddev, BackwardPassesGradientCheck) {
    Rng rng(5);
    const Tensor x = Tensor::randn({6, 12}, rng), dout = Tensor::randn({6, 15}, rng);
    ChannelStddev layer(3, 3);
    layer.forward(x);
    const Tensor dx = layer.backward(dout);
    const Tensor n = numeric_gradient([&](const Tensor& xx) { return weighted_sum(layer.forward(xx), dout); }, x, 1e-3f);
    EXPECT_LT(relative_error(dx, n, 1e-3), 1e-2);
    EXPECT_THROW(layer.backward(Tensor({6, 12})), ShapeError);
}

TEST(Activations, BackwardPassesGradientCheck) {
    Rng rng(2);
    const Tensor x = Tensor::randn({3, 4}, rng), dout = Tensor::randn({3, 4}, rng);
    ReLU relu;
    LeakyReLU leaky(0.2f);
    Tanh tanh_layer;
    Sigmoid sig;
    for (Layer* layer : std::vector<Layer*>{&relu, &leaky, &tanh_layer, &sig}) {
        layer->forward(x);
        const Tensor dx = layer->backward(dout);
        const Tensor n = numeric_gradient([&](const Tensor& xx) { return weighted_sum(layer->forward(xx), dout); }, x, 1e-3f);
        EXPECT_LT(relative_error(dx, n, 1e-3), 1e-2) << layer->name();
    }
}

TEST(Activations, LeakyReluKeepsASlopeBelowZero) {
    LeakyReLU leaky(0.2f);
    const Tensor y = leaky.forward(Tensor({4}, {-2.0f, 0.0f, 0.5f, 3.0f}));
    EXPECT_EQ(std::vector<float>(y.begin(), y.end()), (std::vector<float>{-0.4f, 0.0f, 0.5f, 3.0f}));
    const Tensor dx = leaky.backward(Tensor({4}, 1.0f));
    EXPECT_EQ(std::vector<float>(dx.begin(), dx.end()), (std::vector<float>{0.2f, 0.2f, 1.0f, 1.0f}));
}

TEST(PixelNorm, ScalesEachPositionToUnitMeanSquareAndPassesGradientCheck) {
    PixelNorm norm;
    // one image, two channels, one position: (3, 4) has mean square 12.5
    const Tensor y = norm.forward(Tensor({1, 2, 1, 1}, {3, 4}));
    EXPECT_NEAR(y[0], 3 / std::sqrt(12.5f), 1e-6f);
    EXPECT_NEAR(y[1], 4 / std::sqrt(12.5f), 1e-6f);
    Rng rng(6);
    const Tensor x = Tensor::randn({2, 3, 2, 2}, rng), dout = Tensor::randn({2, 3, 2, 2}, rng);
    norm.forward(x);
    const Tensor dx = norm.backward(dout);
    const Tensor n = numeric_gradient([&](const Tensor& xx) { return weighted_sum(norm.forward(xx), dout); }, x, 1e-3f);
    EXPECT_LT(relative_error(dx, n, 1e-3), 1e-2);
    EXPECT_THROW(norm.forward(Tensor({2, 3, 4})), ShapeError);
}

TEST(SpectralNorm, PowerIterationFindsTheLargestSingularValue) {
    Rng rng(3);
    auto fc = std::make_unique<Dense>(2, 2, rng);
    fc->weight = Tensor({2, 2}, {2, 1, 1, 2});  // singular values 3 and 1
    fc->bias = Tensor({2}, {0.5f, -0.5f});
    SpectralNorm sn(std::move(fc), rng);
    Tensor y;
    for (int i = 0; i < 30; ++i) y = sn.forward(Tensor({1, 2}, {1, -2}));
    EXPECT_NEAR(sn.sigma(), 3.0, 1e-6);
    // the layer runs on W / 3: (1, -2) W^T / 3 + b = (0, -3) / 3 + (0.5, -0.5)
    EXPECT_NEAR(y[0], 0.5f, 1e-5f);
    EXPECT_NEAR(y[1], -1.5f, 1e-5f);
    // the optimizer sees the raw weight, under the wrapped layer's name
    const std::vector<Param> p = sn.params();
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].name, "dense.weight");
    EXPECT_EQ((*p[0].value)[0], 2.0f);
}

TEST(SpectralNorm, BackwardPassesGradientCheckThroughSigma) {
    Rng rng(4);
    auto fc = std::make_unique<Dense>(5, 3, rng);
    SpectralNorm sn(std::move(fc), rng);
    const Tensor x = Tensor::randn({4, 5}, rng), dout = Tensor::randn({4, 3}, rng);
    for (int i = 0; i < 5; ++i) sn.forward(x);
    sn.power_iteration = false;  // u and v constant, as the backward assumes
    sn.forward(x);
    const Tensor dx = sn.backward(dout);
    Tensor& w = *sn.params()[0].value;
    const Tensor analytic_dw = *sn.params()[0].grad, w0 = w;
    const Tensor nw = numeric_gradient([&](const Tensor& ww) { w = ww; return weighted_sum(sn.forward(x), dout); }, w0, 1e-3f);
    EXPECT_LT(relative_error(analytic_dw, nw, 1e-3), 1e-2);
    w = w0;
    const Tensor nx = numeric_gradient([&](const Tensor& xx) { return weighted_sum(sn.forward(xx), dout); }, x, 1e-3f);
    EXPECT_LT(relative_error(dx, nx, 1e-3), 1e-2);
}

TEST(Activations, SigmoidIsStableForLargeInputs) {
    EXPECT_EQ(sigmoid(-1000.0f), 0.0f);
    EXPECT_EQ(sigmoid(1000.0f), 1.0f);
    EXPECT_FLOAT_EQ(sigmoid(0.0f), 0.5f);
}

TEST(Flatten, KeepsBatchAndRoundTrips) {
    Flatten f;
    const Tensor x({2, 3, 2, 2}, 1.0f);
    EXPECT_EQ(f.forward(x).shape(), (Shape{2, 12}));
    EXPECT_EQ(f.backward(Tensor({2, 12})).shape(), x.shape());
}

TEST(Losses, MseValueAndGradient) {
    const LossResult r = mse_loss(Tensor({2}, {1, 3}), Tensor({2}, {0, 0}));
    EXPECT_DOUBLE_EQ(r.loss, 5.0);
    EXPECT_EQ(std::vector<float>(r.grad.begin(), r.grad.end()), (std::vector<float>{1.0f, 3.0f}));
    EXPECT_THROW(mse_loss(Tensor({2}), Tensor({3})), ShapeError);
}

TEST(Losses, BceWithLogitsIsStableAndMatchesDefinition) {
    // l = log(1 + e^z) - z y; at z = 0: log 2 whatever y
    EXPECT_NEAR(bce_with_logits_loss(Tensor({1}, {0.0f}), Tensor({1}, {1.0f})).loss, std::log(2.0), 1e-7);
    // z = 1000 with y = 0 costs 1000, not inf
    EXPECT_NEAR(bce_with_logits_loss(Tensor({1}, {1000.0f}), Tensor({1}, {0.0f})).loss, 1000.0, 1e-6);
    const LossResult r = bce_with_logits_loss(Tensor({2}, {2.0f, -1.0f}), Tensor({2}, {1.0f, 0.0f}));
    EXPECT_NEAR(r.grad[0], (sigmoid(2.0f) - 1.0f) / 2, 1e-7);
    EXPECT_NEAR(r.grad[1], sigmoid(-1.0f) / 2, 1e-7);
}

TEST(Losses, BceOnProbabilitiesClipsLikeKeras) {
    EXPECT_NEAR(bce_loss(Tensor({1}, {0.0f}), Tensor({1}, {1.0f})).loss, -std::log(1e-7), 1e-4);
    const LossResult r = bce_loss(Tensor({1}, {0.8f}), Tensor({1}, {1.0f}));
    EXPECT_NEAR(r.loss, -std::log(0.8), 1e-6);
    EXPECT_NEAR(r.grad[0], -1.0 / 0.8, 1e-5);
}

TEST(Losses, HingeLossCountsOnlyLogitsInsideTheMargin) {
    // real side: max(0, 1 - z) over z = (2, 0.5, -1) gives (0, 0.5, 2), mean 5/6
    const LossResult real = hinge_loss(Tensor({3, 1}, {2.0f, 0.5f, -1.0f}), 1.0f);
    EXPECT_NEAR(real.loss, 5.0 / 6.0, 1e-12);
    EXPECT_EQ(std::vector<float>(real.grad.begin(), real.grad.end()), (std::vector<float>{0.0f, -1.0f / 3, -1.0f / 3}));
    // fake side: max(0, 1 + z) over z = (-2, 0.5) gives (0, 1.5), mean 0.75
    const LossResult fake = hinge_loss(Tensor({2, 1}, {-2.0f, 0.5f}), -1.0f);
    EXPECT_NEAR(fake.loss, 0.75, 1e-12);
    EXPECT_EQ(std::vector<float>(fake.grad.begin(), fake.grad.end()), (std::vector<float>{0.0f, 0.5f}));
    EXPECT_THROW(hinge_loss(Tensor({2}), 0.0f), ShapeError);
    EXPECT_THROW(hinge_loss(Tensor({0}), 1.0f), ShapeError);
}

TEST(Losses, SoftmaxCrossEntropyValueGradientAndLabels) {
    const Tensor logits({2, 3}, {1, 2, 3, 1000, 0, 0});
    const Tensor labels({2}, {2, 0});
    const LossResult r = softmax_cross_entropy_loss(logits, labels);
    const double row0 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3.0;
    EXPECT_NEAR(r.loss, row0 / 2, 1e-6);
    const Tensor n = numeric_gradient([&](const Tensor& z) { return softmax_cross_entropy_loss(z, labels).loss; },
                                      Tensor({2, 3}, {1, 2, 3, 1, 0, 0}), 1e-2f);
    const Tensor analytic = softmax_cross_entropy_loss(Tensor({2, 3}, {1, 2, 3, 1, 0, 0}), labels).grad;
    EXPECT_LT(relative_error(analytic, n, 1e-3), 1e-2);
    EXPECT_THROW(softmax_cross_entropy_loss(logits, Tensor({2}, {3, 0})), ShapeError);
}

TEST(Optim, SgdMomentumFollowsPyTorch) {
    Tensor p({1}, {1.0f}), g({1}, {0.5f});
    SGD sgd(0.1f, 0.9f);
    const std::vector<Param> params{{"p", &p, &g}};
    sgd.step(params);  // v = g = 0.5; p = 1 - 0.05
    EXPECT_FLOAT_EQ(p[0], 0.95f);
    sgd.step(params);  // v = 0.9 * 0.5 + 0.5 = 0.95; p = 0.95 - 0.095
    EXPECT_FLOAT_EQ(p[0], 0.855f);
}

TEST(Optim, AdamBiasCorrectionCountsSteps) {
    // The first Adam step moves every parameter by lr * sign(g) (m_hat = g, v_hat = g^2).
    Tensor a({2}, {1.0f, -1.0f}), ga({2}, {0.3f, -2.0f});
    Tensor b({1}, {0.0f}), gb({1}, {5.0f});
    Adam adam(0.01f);
    const std::vector<Param> params{{"a", &a, &ga}, {"b", &b, &gb}};
    adam.step(params);
    EXPECT_NEAR(a[0], 0.99f, 1e-6);
    EXPECT_NEAR(a[1], -0.99f, 1e-6);
    EXPECT_NEAR(b[0], -0.01f, 1e-6);
    EXPECT_EQ(adam.steps(), 1);  // once per step(), not once per parameter
    // Second step with the same gradient: m_hat = g, v_hat = g^2 again, so another lr * sign(g).
    adam.step(params);
    EXPECT_NEAR(b[0], -0.02f, 1e-6);
}

TEST(Optim, AdamUpdatesEveryElementOfALargeParameter) {
    // 100,000 elements: enough for the update to be split over the threads; every one moves by lr * sign(g).
    const int n = 100000;
    Tensor p({n}), g({n});
    for (int i = 0; i < n; ++i) g[i] = (i % 3 == 0 ? -1.0f : 1.0f) * (0.5f + static_cast<float>(i % 7));
    Adam adam(0.01f);
    adam.step({{"p", &p, &g}});
    int wrong = 0;
    for (int i = 0; i < n; ++i) wrong += std::abs(p[i] - (i % 3 == 0 ? 0.01f : -0.01f)) > 1e-6f;
    EXPECT_EQ(wrong, 0);
}

TEST(Optim, WeightAverageFollowsItsRecurrenceAndSwaps) {
    Tensor p({2}, {1.0f, -2.0f}), g({2});
    const std::vector<Param> params{{"p", &p, &g}};
    WeightAverage average(params, 0.9f);  // starts at (1, -2)
    p[0] = 2.0f, p[1] = 0.0f;
    average.update(params);               // 0.9 * (1, -2) + 0.1 * (2, 0) = (1.1, -1.8)
    p[0] = 3.0f;
    average.update(params);               // 0.9 * (1.1, -1.8) + 0.1 * (3, 0) = (1.29, -1.62)
    average.swap(params);
    EXPECT_NEAR(p[0], 1.29f, 1e-6);
    EXPECT_NEAR(p[1], -1.62f, 1e-6);
    average.swap(params);                 // the live weights back
    EXPECT_FLOAT_EQ(p[0], 3.0f);
    EXPECT_FLOAT_EQ(p[1], 0.0f);
    Tensor other({3}), other_grad({3});
    EXPECT_THROW(average.update({{"p", &other, &other_grad}}), ShapeError);
    EXPECT_THROW(WeightAverage(params, 1.0f), std::invalid_argument);
}

TEST(Sequential, FitLearnsXorAndReportsHistory) {
    Rng rng(3);
    Sequential model;
    model.add<Dense>(2, 16, rng);
    model.add<Tanh>();
    model.add<Dense>(16, 2, rng);
    const Tensor x({4, 2}, {0, 0, 0, 1, 1, 0, 1, 1});
    const Tensor y({4}, {0, 1, 1, 0});
    Adam adam(0.05f);
    FitOptions o;
    o.epochs = 300;
    o.batch_size = 4;
    o.progress = false;
    const StepFn step = [&](const Tensor& bx, const Tensor& by) {
        const LossResult r = softmax_cross_entropy_loss(model.forward(bx), by);
        model.backward(r.grad);
        adam.step(model.params());
        return r.loss;
    };
    const auto history = fit(model, x, y, step, softmax_cross_entropy_loss, argmax_accuracy, o);
    ASSERT_EQ(history.size(), 300u);
    EXPECT_LT(history.back().loss, history.front().loss);
    // one batch per epoch: the curve gets the epoch's last batch, counted in images from the start
    ASSERT_EQ(history[1].loss_curve.size(), 1u);
    EXPECT_EQ(history[1].loss_curve[0].images, 8);
    EXPECT_DOUBLE_EQ(history[1].loss_curve[0].loss, history[1].loss);
    EXPECT_EQ(evaluate(model, x, y, softmax_cross_entropy_loss, argmax_accuracy).metric, 1.0);
    EXPECT_EQ(model.parameter_count(), 2u * 16 + 16 + 16 * 2 + 2);
    EXPECT_NE(model.summary({4, 2}).find("total parameters: 82"), std::string::npos);
}

TEST(Sequential, FitRejectsMismatchedSamples) {
    Rng rng(4);
    Sequential model;
    model.add<Dense>(2, 2, rng);
    const StepFn step = [](const Tensor&, const Tensor&) { return 0.0; };
    EXPECT_THROW(fit(model, Tensor({4, 2}), Tensor({3}), step, softmax_cross_entropy_loss, argmax_accuracy, {}), ShapeError);
}

TEST(Sequential, InputGradientIsOffForTheFirstLayerUnlessAskedAndSurvivesFusion) {
    Rng rng(9);
    Sequential model;
    model.add<Dense>(3, 4, rng);
    model.add<ReLU>();
    EXPECT_FALSE(model.layer(0).needs_input_grad) << "nothing before the first layer needs dL/d(input)";
    EXPECT_TRUE(model.layer(1).needs_input_grad);
    model.set_input_grad(true);
    EXPECT_TRUE(model.layer(0).needs_input_grad);
    model.replace_layers(0, 1, std::make_unique<Dense>(3, 4, rng));  // as fuse_conv_relu_pool does
    EXPECT_TRUE(model.layer(0).needs_input_grad) << "a replaced first layer keeps the model's choice";
    model.set_input_grad(false);
    model.replace_layers(0, 1, std::make_unique<Dense>(3, 4, rng));
    EXPECT_FALSE(model.layer(0).needs_input_grad);
    Sequential wanted;
    wanted.set_input_grad(true);
    wanted.add<Dense>(3, 4, rng);
    EXPECT_TRUE(wanted.layer(0).needs_input_grad) << "set before the first layer is added";
}
