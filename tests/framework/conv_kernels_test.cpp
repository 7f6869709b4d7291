// framework/conv_kernels: the fast im2col, its adjoint and the ReLU + max-pool pass, against plain loops
// written from their definitions, at every stride, padding and dilation edge and both pooling paths.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "framework/conv_kernels.hpp"
#include "framework/random.hpp"
#include "framework/tensor.hpp"

using wb::ConvShape;

namespace {

ConvShape shape(int C, int H, int W, int K, int stride, int padding, int dilation) {
    const int OH = (H + 2 * padding - dilation * (K - 1) - 1) / stride + 1;
    const int OW = (W + 2 * padding - dilation * (K - 1) - 1) / stride + 1;
    return {C, H, W, K, K, stride, padding, dilation, OH, OW};
}

// cols[(c KH + u) KW + v, i OW + j] = image[c, i s + u d - p, j s + v d - p], 0 outside
std::vector<float> plain_im2col(const float* image, const ConvShape& s) {
    std::vector<float> cols(static_cast<std::size_t>(s.C * s.KH * s.KW) * s.OH * s.OW);
    for (int c = 0; c < s.C; ++c)
        for (int u = 0; u < s.KH; ++u)
            for (int v = 0; v < s.KW; ++v)
                for (int i = 0; i < s.OH; ++i)
                    for (int j = 0; j < s.OW; ++j) {
                        const int y = i * s.stride + u * s.dilation - s.padding;
                        const int x = j * s.stride + v * s.dilation - s.padding;
                        const bool inside = y >= 0 && y < s.H && x >= 0 && x < s.W;
                        cols[((static_cast<std::size_t>(c) * s.KH + u) * s.KW + v) * s.OH * s.OW + i * s.OW + j] =
                            inside ? image[(static_cast<std::size_t>(c) * s.H + y) * s.W + x] : 0.0f;
                    }
    return cols;
}

const std::vector<ConvShape> kShapes = {
    shape(1, 5, 5, 3, 1, 0, 1), shape(2, 7, 6, 3, 1, 1, 1), shape(3, 9, 11, 3, 2, 1, 1),
    shape(2, 10, 9, 3, 1, 2, 2), shape(1, 4, 4, 5, 1, 2, 1),  // kernel wider than the image
    shape(2, 13, 12, 3, 3, 0, 1), shape(1, 28, 28, 3, 1, 0, 1)};

}  // namespace

TEST(ConvKernels, Im2colImageMatchesItsDefinition) {
    wb::Rng rng(5);
    for (const ConvShape& s : kShapes) {
        const wb::Tensor image = wb::Tensor::randn({s.C, s.H, s.W}, rng);
        std::vector<float> cols(static_cast<std::size_t>(s.C * s.KH * s.KW) * s.OH * s.OW, -7.0f);
        wb::im2col_image(image.data(), s, cols.data());
        EXPECT_EQ(cols, plain_im2col(image.data(), s)) << "C=" << s.C << " H=" << s.H << " W=" << s.W << " K=" << s.KH
                                                         << " stride " << s.stride << " padding " << s.padding
                                                         << " dilation " << s.dilation;
    }
}

TEST(ConvKernels, Col2imIsTheAdjointOfIm2col) {
    // <im2col(x), y> = <x, col2im(y)> for every x and y, in double precision
    wb::Rng rng(6);
    for (const ConvShape& s : kShapes) {
        const wb::Tensor x = wb::Tensor::randn({s.C, s.H, s.W}, rng);
        const wb::Tensor y = wb::Tensor::randn({s.C * s.KH * s.KW, s.OH * s.OW}, rng);
        const std::vector<float> cols = plain_im2col(x.data(), s);
        std::vector<float> back(x.size(), 0.0f);
        wb::col2im_image_add(y.data(), s, back.data());
        double left = 0.0, right = 0.0;
        for (std::size_t i = 0; i < cols.size(); ++i) left += static_cast<double>(cols[i]) * y[i];
        for (std::size_t i = 0; i < back.size(); ++i) right += static_cast<double>(x[i]) * back[i];
        EXPECT_NEAR(left, right, 1e-3 * (1.0 + std::abs(left)));
    }
}

TEST(ConvKernels, Col2imAddsToWhatTheImageHolds) {
    const ConvShape s = shape(1, 3, 3, 3, 1, 1, 1);
    std::vector<float> image(9, 1.0f), cols(9 * 9, 0.0f);
    wb::col2im_image_add(cols.data(), s, image.data());
    EXPECT_EQ(image, std::vector<float>(9, 1.0f));
}

TEST(ConvKernels, ReluMaxpoolPlaneMatchesPlainLoopsForPoolTwoAndThree) {
    wb::Rng rng(7);
    for (int pool : {2, 3}) {
        for (const float bias : {0.0f, 0.7f, -0.7f}) {
            const int OH = 9, OW = 8, PH = OH / pool, PW = OW / pool, base = 1000;
            wb::Tensor plane = wb::Tensor::randn({OH, OW}, rng);
            plane(1, 1) = plane(1, 0) = plane(0, 1) = plane(0, 0) = 0.25f;  // a tie: the first one wins
            std::vector<float> out(static_cast<std::size_t>(PH * PW));
            std::vector<int> argmax(out.size());
            wb::relu_maxpool_plane(plane.data(), OW, pool, PH, PW, bias, base, out.data(), argmax.data());
            for (int i = 0; i < PH; ++i)
                for (int j = 0; j < PW; ++j) {
                    int best = i * pool * OW + j * pool;
                    for (int u = 0; u < pool; ++u)
                        for (int v = 0; v < pool; ++v)
                            if (plane[(i * pool + u) * OW + j * pool + v] > plane[best]) best = (i * pool + u) * OW + j * pool + v;
                    const float value = plane[best] + bias;
                    EXPECT_EQ(out[i * PW + j], value > 0.0f ? value : 0.0f) << "pool " << pool << " at " << i << ", " << j;
                    EXPECT_EQ(argmax[i * PW + j], value > 0.0f ? base + best : -1) << "pool " << pool << " at " << i << ", " << j;
                }
        }
    }
}

namespace {

// W (F, C KH KW) cols (C KH KW, OH OW), in double
std::vector<double> plain_conv(const std::vector<float>& w, int F, const float* image, const ConvShape& s) {
    const std::vector<float> cols = plain_im2col(image, s);
    const int K = s.C * s.KH * s.KW, P = s.OH * s.OW;
    std::vector<double> out(static_cast<std::size_t>(F) * P, 0.0);
    for (int f = 0; f < F; ++f)
        for (int k = 0; k < K; ++k)
            for (int p = 0; p < P; ++p)
                out[static_cast<std::size_t>(f) * P + p] += static_cast<double>(w[static_cast<std::size_t>(f) * K + k]) *
                                                            cols[static_cast<std::size_t>(k) * P + p];
    return out;
}

// col2im(W^T dO) from the definition: every W[f, c, u, v] dO[f, i, j] goes to the pixel its column entry came from
std::vector<double> plain_input_gradient(const std::vector<float>& w, int F, const float* dout, const ConvShape& s) {
    std::vector<double> d(static_cast<std::size_t>(s.C) * s.H * s.W, 0.0);
    for (int f = 0; f < F; ++f)
        for (int c = 0; c < s.C; ++c)
            for (int u = 0; u < s.KH; ++u)
                for (int v = 0; v < s.KW; ++v)
                    for (int i = 0; i < s.OH; ++i)
                        for (int j = 0; j < s.OW; ++j) {
                            const int y = i * s.stride + u * s.dilation - s.padding;
                            const int x = j * s.stride + v * s.dilation - s.padding;
                            if (y < 0 || y >= s.H || x < 0 || x >= s.W) continue;
                            d[(static_cast<std::size_t>(c) * s.H + y) * s.W + x] +=
                                static_cast<double>(w[((static_cast<std::size_t>(f) * s.C + c) * s.KH + u) * s.KW + v]) *
                                dout[(static_cast<std::size_t>(f) * s.OH + i) * s.OW + j];
                        }
    return d;
}

// dw + dO (F, OH OW) im2col(image)^T, in double
std::vector<double> plain_weight_gradient(const std::vector<float>& dw, const float* dout, int F, const float* image,
                                          const ConvShape& s) {
    const std::vector<float> cols = plain_im2col(image, s);
    const int K = s.C * s.KH * s.KW, P = s.OH * s.OW;
    std::vector<double> expected(dw.begin(), dw.end());
    for (int f = 0; f < F; ++f)
        for (int k = 0; k < K; ++k)
            for (int p = 0; p < P; ++p)
                expected[static_cast<std::size_t>(f) * K + k] +=
                    static_cast<double>(dout[static_cast<std::size_t>(f) * P + p]) * cols[static_cast<std::size_t>(k) * P + p];
    return expected;
}

// the shapes above, the U-Net's (16 channels of 28 x 28, padding 1; output rows of 30 padded columns make a
// column tail), a 1x1 kernel, a non-square kernel and a padding wider than the kernel reaches (both gradients
// then take the col2im path)
std::vector<ConvShape> conv_image_shapes() {
    std::vector<ConvShape> shapes = kShapes;
    shapes.push_back(shape(16, 28, 28, 3, 1, 1, 1));
    shapes.push_back(shape(3, 14, 14, 1, 1, 0, 1));
    shapes.push_back({2, 6, 7, 2, 3, 1, 1, 1, 7, 7});  // KH 2, KW 3, padding 1: (6 + 2 - 1), (7 + 2 - 2)
    shapes.push_back(shape(2, 5, 5, 3, 1, 3, 1));
    return shapes;
}

std::string describe(const ConvShape& s, int F) {
    return "F=" + std::to_string(F) + " C=" + std::to_string(s.C) + " H=" + std::to_string(s.H) + " W=" +
           std::to_string(s.W) + " K=" + std::to_string(s.KH) + "x" + std::to_string(s.KW) + " stride " +
           std::to_string(s.stride) + " padding " + std::to_string(s.padding) + " dilation " + std::to_string(s.dilation);
}

// every value within 1e-4 (relative, 1 at least) of the double-precision one
void expect_close(const std::vector<float>& got, const std::vector<double>& expected, const ConvShape& s, int F,
                  const char* what) {
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        ASSERT_NEAR(got[i], expected[i], 1e-4 * (1.0 + std::abs(expected[i]))) << describe(s, F) << ", " << what << " " << i;
}

}  // namespace

TEST(ConvKernels, ConvImageIsTheWeightsTimesTheColumns) {
    wb::Rng rng(8);
    wb::ConvScratch scratch;  // reused across shapes, as a worker reuses it across images
    for (const ConvShape& s : conv_image_shapes())
        for (int F : {1, 5, 16, 17}) {
            const wb::Tensor image = wb::Tensor::randn({s.C, s.H, s.W}, rng);
            const wb::Tensor w = wb::Tensor::randn({F, s.C * s.KH * s.KW}, rng);
            const std::vector<float> weights(w.begin(), w.end());
            std::vector<float> out(static_cast<std::size_t>(F) * s.OH * s.OW, -7.0f);  // overwritten
            wb::conv_image(w.data(), F, image.data(), s, scratch, out.data());
            const std::vector<double> expected = plain_conv(weights, F, image.data(), s);
            expect_close(out, expected, s, F, "output");
        }
}

TEST(ConvKernels, ConvImageInputGradientIsCol2imOfTheTransposedWeightsTimesTheGradient) {
    wb::Rng rng(9);
    wb::ConvScratch scratch;
    for (const ConvShape& s : conv_image_shapes())
        for (int F : {1, 5, 16, 17}) {
            const wb::Tensor dout = wb::Tensor::randn({F, s.OH, s.OW}, rng);
            const wb::Tensor w = wb::Tensor::randn({F, s.C, s.KH, s.KW}, rng);
            const std::vector<float> weights(w.begin(), w.end());
            std::vector<float> dimage(static_cast<std::size_t>(s.C) * s.H * s.W, -7.0f);  // overwritten
            wb::conv_image_input_gradient(w.data(), F, dout.data(), s, scratch, dimage.data());
            const std::vector<double> expected = plain_input_gradient(weights, F, dout.data(), s);
            expect_close(dimage, expected, s, F, "pixel");
        }
}

TEST(ConvKernels, ConvImageWeightGradientAddsTheGradientTimesTheColumnsTransposed) {
    wb::Rng rng(10);
    wb::ConvScratch scratch;
    for (const ConvShape& s : conv_image_shapes())
        for (int F : {1, 5, 16, 17, 32}) {
            const wb::Tensor image = wb::Tensor::randn({s.C, s.H, s.W}, rng);
            const wb::Tensor dout = wb::Tensor::randn({F, s.OH, s.OW}, rng);
            std::vector<float> dw(static_cast<std::size_t>(F) * s.C * s.KH * s.KW);
            for (std::size_t i = 0; i < dw.size(); ++i) dw[i] = 0.5f * static_cast<float>(i % 7);  // added to
            const std::vector<double> expected = plain_weight_gradient(dw, dout.data(), F, image.data(), s);
            wb::conv_image_weight_gradient(dout.data(), F, image.data(), s, scratch, dw.data());
            expect_close(dw, expected, s, F, "weight");
        }
}

// A worker's scratch carries one image's values into the next. Where the product reads past what it keeps (the
// floats after the last padded plane, read for the dropped columns of the last output row), an infinity left there
// would still reach dW as inf * 0 = NaN: the scratch must be cleared, not just assumed unread.
TEST(ConvKernels, NoValueOfThePreviousImageReachesTheWeightGradient) {
    wb::Rng rng(11);
    const ConvShape big = shape(16, 12, 12, 3, 1, 1, 1), small = shape(16, 6, 6, 3, 1, 1, 1);
    const int F = 16;
    wb::ConvScratch scratch;
    const std::vector<float> blown(static_cast<std::size_t>(big.C) * big.H * big.W, std::numeric_limits<float>::infinity());
    const wb::Tensor big_dout = wb::Tensor::randn({F, big.OH, big.OW}, rng);
    std::vector<float> ignored(static_cast<std::size_t>(F) * big.C * big.KH * big.KW);
    wb::conv_image_weight_gradient(big_dout.data(), F, blown.data(), big, scratch, ignored.data());
    const wb::Tensor image = wb::Tensor::randn({small.C, small.H, small.W}, rng);
    const wb::Tensor dout = wb::Tensor::randn({F, small.OH, small.OW}, rng);
    std::vector<float> dw(static_cast<std::size_t>(F) * small.C * small.KH * small.KW, 0.0f);
    const std::vector<double> expected = plain_weight_gradient(dw, dout.data(), F, image.data(), small);
    wb::conv_image_weight_gradient(dout.data(), F, image.data(), small, scratch, dw.data());
    expect_close(dw, expected, small, F, "weight");
}
