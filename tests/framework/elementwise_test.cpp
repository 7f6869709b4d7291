// framework/elementwise: the vectorised functions against the C library, over the whole float range the
// softmax and the recurrent layers meet (saturation included); framework/rnn_kernels: the weight check.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "framework/errors.hpp"
#include "framework/elementwise.hpp"
#include "framework/rnn_kernels.hpp"

namespace {

std::vector<float> sweep() {
    std::vector<float> x;
    for (float v = -100.0f; v <= 100.0f; v += 0.0137f) x.push_back(v);
    for (float v : {0.0f, -0.0f, 1e-30f, -1e-30f, 88.0f, -88.0f, 1e30f, -1e30f}) x.push_back(v);
    return x;
}

}  // namespace

TEST(Elementwise, ExpMatchesTheLibrary) {
    std::vector<float> x;
    for (float v = -87.0f; v <= 88.0f; v += 0.0173f) x.push_back(v);
    std::vector<float> y(x.size());
    wb::exp_array(x.data(), y.data(), static_cast<int>(x.size()));
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double exact = std::exp(static_cast<double>(x[i]));
        ASSERT_LE(std::abs(y[i] - exact), 3e-7 * exact) << "x = " << x[i];
    }
    const float minus_inf = -std::numeric_limits<float>::infinity();
    float tiny = 0;
    wb::exp_array(&minus_inf, &tiny, 1);
    EXPECT_GE(tiny, 0.0f);
    EXPECT_LT(tiny, 1e-37f) << "e^-inf must be 0 or a denormal";
}

TEST(Elementwise, SigmoidMatchesTheDefinition) {
    const std::vector<float> x = sweep();
    std::vector<float> y(x.size());
    wb::sigmoid_array(x.data(), y.data(), static_cast<int>(x.size()));
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double exact = 1.0 / (1.0 + std::exp(-static_cast<double>(x[i])));
        ASSERT_NEAR(y[i], exact, 1e-6) << "x = " << x[i];
        ASSERT_GE(y[i], 0.0f);
        ASSERT_LE(y[i], 1.0f);
    }
}

TEST(Elementwise, TanhMatchesTheLibrary) {
    const std::vector<float> x = sweep();
    std::vector<float> y = x;
    wb::tanh_array(y.data(), y.data(), static_cast<int>(y.size()));  // in place, as the kernels call it
    for (std::size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(y[i], std::tanh(static_cast<double>(x[i])), 1e-6) << "x = " << x[i];
}

TEST(Elementwise, OddLengthsReachEveryElement) {
    for (int n : {1, 3, 7, 9, 17, 31}) {
        std::vector<float> x(n + 1, 2.0f), y(n + 1, -5.0f);
        wb::tanh_array(x.data(), y.data(), n);
        for (int i = 0; i < n; ++i) ASSERT_NEAR(y[i], std::tanh(2.0f), 1e-6) << "n = " << n << ", i = " << i;
        EXPECT_EQ(y[n], -5.0f) << "wrote past n = " << n;
    }
}

TEST(RnnKernels, RecurrentWeightsAreCheckedByName) {
    const wb::Tensor w_ih({8, 3}), w_hh({8, 2}), b({8});
    EXPECT_EQ(wb::recurrent_hidden_size("op", 4, 3, w_ih, w_hh, b, b), 2);
    try {
        wb::recurrent_hidden_size("lstm_forward", 4, 3, w_ih, w_hh, b, wb::Tensor({6}));
        FAIL() << "a (6) b_hh for H = 2 must be rejected";
    } catch (const wb::ShapeError& e) {
        EXPECT_NE(std::string(e.what()).find("lstm_forward"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("b_hh"), std::string::npos) << e.what();
    }
    EXPECT_THROW(wb::recurrent_hidden_size("op", 4, 5, w_ih, w_hh, b, b), wb::ShapeError);  // input size 5, w_ih has 3
    EXPECT_THROW(wb::recurrent_hidden_size("op", 3, 3, w_ih, w_hh, b, b), wb::ShapeError);  // 3 gates, rows 8
}
