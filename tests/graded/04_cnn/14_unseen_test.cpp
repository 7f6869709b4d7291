// Unseen-input tests of chapter 04 (course mode only): shapes and values drawn for each run from its
// secret, matched against the reference's values on the same inputs (tests/harness/graded.hpp,
// UNSEEN_TEST). A table of the handout's fixed cases cannot pass them.
#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <utility>
#include <vector>

#include "chapters/04_cnn/conv.hpp"
#include "chapters/04_cnn/detection.hpp"
#include "chapters/04_cnn/pool.hpp"
#include "chapters/04_cnn/segmentation.hpp"
#include "chapters/04_cnn/shapes.hpp"
#include "framework/errors.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using wb::grading::between;

namespace {
/// Output length of a convolution along one axis, computed here (not by the learner's conv_output_size).
int out_len(int input, int kernel, const Conv2dParams& p) {
    return (input + 2 * p.padding - p.dilation * (kernel - 1) - 1) / p.stride + 1;
}

/// A convolution's inputs: x (N, C, H, W), w (F, C, KH, KW), b (F), and its stride, padding, dilation.
struct ConvCase {
    Conv2dParams p;
    Tensor x, w, b;
};

/// Drawn geometry (non-square kernels, strides, paddings and dilations together), at least min_batch images;
/// H and W are drawn so that the dilated kernel fits the padded input.
ConvCase drawn_conv(Rng& rng, int min_batch) {
    const Conv2dParams p{between(rng, 1, 3), between(rng, 0, 2), between(rng, 1, 3)};
    const int N = between(rng, min_batch, 3), C = between(rng, 1, 3), F = between(rng, 1, 4);
    const int KH = between(rng, 1, 3), KW = between(rng, 2, 4);
    const int H = std::max(1, p.dilation * (KH - 1) + 1 - 2 * p.padding) + between(rng, 0, 6);
    const int W = std::max(1, p.dilation * (KW - 1) + 1 - 2 * p.padding) + between(rng, 0, 6);
    ConvCase c{p, Tensor::randn({N, C, H, W}, rng), Tensor(), Tensor()};
    c.w = Tensor::randn({F, C, KH, KW}, rng, 0.5f);
    c.b = Tensor::randn({F}, rng);
    return c;
}

/// The gradient of a convolution's output, (N, F, OH, OW).
Tensor drawn_dout(Rng& rng, const ConvCase& c) {
    return Tensor::randn({c.x.dim(0), c.w.dim(0), out_len(c.x.dim(2), c.w.dim(2), c.p), out_len(c.x.dim(3), c.w.dim(3), c.p)},
                         rng);
}

/// Boxes (n, 4) with corners in [0, field) and sides in [min_side, max_side).
Tensor drawn_boxes(Rng& rng, int n, float field, float min_side, float max_side) {
    Tensor boxes({n, 4});
    for (int i = 0; i < n; ++i) {
        const float x1 = rng.uniform(0.0f, field), y1 = rng.uniform(0.0f, field);
        boxes(i, 0) = x1, boxes(i, 1) = y1;
        boxes(i, 2) = x1 + rng.uniform(min_side, max_side), boxes(i, 3) = y1 + rng.uniform(min_side, max_side);
    }
    return boxes;
}

/// IoU of boxes i and j, computed here (to keep NMS thresholds away from every pair's IoU).
float pair_iou(const Tensor& boxes, int i, int j) {
    const float w = std::max(0.0f, std::min(boxes(i, 2), boxes(j, 2)) - std::max(boxes(i, 0), boxes(j, 0)));
    const float h = std::max(0.0f, std::min(boxes(i, 3), boxes(j, 3)) - std::max(boxes(i, 1), boxes(j, 1)));
    const auto area = [&](int k) { return (boxes(k, 2) - boxes(k, 0)) * (boxes(k, 3) - boxes(k, 1)); };
    return w * h / (area(i) + area(j) - w * h);
}

/// The max-pooling cache of x, built here (not by the learner's maxpool2d_forward): each window's first maximum.
MaxPoolCache winners_of(const Tensor& x, int kernel, int stride) {
    const int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
    const int OH = (H - kernel) / stride + 1, OW = (W - kernel) / stride + 1;
    MaxPoolCache cache{x.shape(), {}};
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int i = 0; i < OH; ++i)
                for (int j = 0; j < OW; ++j) {
                    int best = -1;
                    for (int u = 0; u < kernel; ++u)
                        for (int v = 0; v < kernel; ++v) {
                            const int at = ((n * C + c) * H + i * stride + u) * W + j * stride + v;
                            if (best < 0 || x[static_cast<std::size_t>(at)] > x[static_cast<std::size_t>(best)]) best = at;
                        }
                    cache.argmax.push_back(best);
                }
    return cache;
}
}  // namespace

UNSEEN_TEST(OutputShape, DrawnSizesStridesPaddingsDilations) {
    // some draws do not fit (the kernel spans more than the padded input): those must throw ShapeError
    std::vector<std::array<int, 5>> cases;  // input, kernel, stride, padding, dilation
    for (int i = 0; i < 32; ++i)
        cases.push_back({between(rng, 1, 30), between(rng, 1, 7), between(rng, 1, 4), between(rng, 0, 3), between(rng, 1, 3)});
    const auto sizes = [&] {
        std::vector<int> out;  // -1 where the call threw ShapeError
        for (const auto& [in, k, s, p, d] : cases) {
            try {
                out.push_back(conv_output_size(in, k, s, p, d));
            } catch (const ShapeError&) {
                out.push_back(-1);
            }
        }
        return out;
    };
    EXPECT_MATCHES_REFERENCE(sizes(), tol::kExact);
}

UNSEEN_TEST(ParameterCount, DrawnLayersUpToResNetWidths) {
    // wide layers on large maps: the MAC count no longer fits in an int
    const int C = between(rng, 2, 1024), F = between(rng, 2, 1024), KH = between(rng, 1, 7), KW = between(rng, 1, 7);
    const int in = between(rng, 1, 50000), out = between(rng, 2, 4096), OH = between(rng, 1, 224), OW = between(rng, 1, 224);
    const bool bias = rng.below(2) == 1;
    const auto counts = [&] {
        return std::vector<long>{conv2d_parameter_count(C, F, KH, KW), conv2d_parameter_count(C, F, KH, KW, bias),
                                 dense_parameter_count(in, out), dense_parameter_count(in, out, bias),
                                 conv2d_macs(C, F, KH, KW, OH, OW)};
    };
    EXPECT_MATCHES_REFERENCE(counts(), tol::kExact);
}

UNSEEN_TEST(TransposedConvShape, DrawnSizesAndPaddings) {
    std::vector<std::array<int, 6>> cases;  // input, kernel, stride, padding, output_padding, dilation
    for (int i = 0; i < 32; ++i)
        cases.push_back({between(rng, 1, 20), between(rng, 1, 6), between(rng, 1, 4), between(rng, 0, 4), between(rng, 0, 3),
                         between(rng, 1, 3)});
    // at the edge: a padding that leaves exactly 1 output, or exactly 0 (rejected)
    for (int i = 0; i < 8; ++i) {
        const int in = between(rng, 1, 10), k = between(rng, 1, 5), s = between(rng, 1, 4), d = between(rng, 1, 3);
        const int op = between(rng, 0, std::max(s, d) - 1);
        cases.push_back({in, k, s, ((in - 1) * s + d * (k - 1) + op + 1) / 2, op, d});
    }
    const auto sizes = [&] {
        std::vector<int> out;  // -1 where the call threw ShapeError
        for (const auto& [in, k, s, p, op, d] : cases) {
            try {
                out.push_back(conv_transpose_output_size(in, k, s, p, op, d));
            } catch (const ShapeError&) {
                out.push_back(-1);
            }
        }
        return out;
    };
    EXPECT_MATCHES_REFERENCE(sizes(), tol::kExact);
}

UNSEEN_TEST(ReceptiveField, DrawnStacks) {
    std::vector<std::vector<WindowLayer>> stacks;
    for (int i = 0; i < 8; ++i) {
        std::vector<WindowLayer> layers;
        for (int l = between(rng, 0, 6); l > 0; --l)
            layers.push_back({between(rng, 1, 7), between(rng, 1, 3), between(rng, 1, 3)});
        stacks.push_back(layers);
    }
    // a deep stride-2 stack: its field and jump need long arithmetic
    const int depth = between(rng, 32, 40), kernel = between(rng, 2, 3);
    stacks.push_back(std::vector<WindowLayer>(static_cast<std::size_t>(depth), WindowLayer{kernel, 2}));
    const auto fields = [&] {
        std::vector<std::pair<long, long>> out;  // size, jump
        for (const auto& layers : stacks) {
            const ReceptiveField f = receptive_field(layers);
            out.emplace_back(f.size, f.jump);
        }
        return out;
    };
    EXPECT_MATCHES_REFERENCE(fields(), tol::kExact);
}

UNSEEN_TEST(Conv2dNaive, DrawnShapesStridePaddingDilation) {
    const ConvCase c = drawn_conv(rng, 1);
    EXPECT_MATCHES_REFERENCE(conv2d_forward_naive(c.x, c.w, c.b, c.p), tol::kForward);
    const ConvCase no_bias = drawn_conv(rng, 1);
    EXPECT_MATCHES_REFERENCE(conv2d_forward_naive(no_bias.x, no_bias.w, Tensor(), no_bias.p), tol::kForward);
}

UNSEEN_TEST(Conv2dIm2col, DrawnImagesAndBatches) {
    const Conv2dParams p{between(rng, 1, 3), between(rng, 0, 2), between(rng, 1, 2)};
    const int C = between(rng, 2, 3), KH = between(rng, 1, 3), KW = between(rng, 2, 3);
    const int H = std::max(1, p.dilation * (KH - 1) + 1 - 2 * p.padding) + between(rng, 0, 5);
    const int W = std::max(1, p.dilation * (KW - 1) + 1 - 2 * p.padding) + between(rng, 0, 5);
    const Tensor image = Tensor::randn({C, H, W}, rng);
    EXPECT_MATCHES_REFERENCE(im2col(image, KH, KW, p), tol::kExact);
    const ConvCase c = drawn_conv(rng, 2);
    EXPECT_MATCHES_REFERENCE(conv2d_forward(c.x, c.w, c.b, c.p), tol::kForward);
}

UNSEEN_TEST(Conv2dBackward, DrawnShapesAndBatch) {
    const ConvCase c = drawn_conv(rng, 2);
    const Tensor dout = drawn_dout(rng, c);
    EXPECT_MATCHES_REFERENCE(conv2d_backward(dout, c.x, c.w, true, c.p), tol::kBackward);
    // no bias, no input gradient: db and dx stay empty
    EXPECT_MATCHES_REFERENCE(conv2d_backward(dout, c.x, c.w, false, c.p, false), tol::kBackward);
}

UNSEEN_TEST(Conv2dReluPool, DrawnShapesAndPool) {
    const ConvCase c = drawn_conv(rng, 2);
    const int OH = out_len(c.x.dim(2), c.w.dim(2), c.p), OW = out_len(c.x.dim(3), c.w.dim(3), c.p);
    const int pool = between(rng, 1, std::min({3, OH, OW}));
    const Tensor dout = Tensor::randn({c.x.dim(0), c.w.dim(0), OH / pool, OW / pool}, rng);
    EXPECT_MATCHES_REFERENCE(conv2d_relu_maxpool_forward(c.x, c.w, c.b, c.p, pool).out, tol::kForward);
    const auto grads = [&](const Tensor& b, bool need_dx) {
        return conv2d_relu_maxpool_backward(dout, conv2d_relu_maxpool_forward(c.x, c.w, b, c.p, pool).cache, need_dx);
    };
    EXPECT_MATCHES_REFERENCE(grads(c.b, true), tol::kBackward);
    EXPECT_MATCHES_REFERENCE(grads(Tensor(), false), tol::kBackward);  // db and dx stay empty
}

UNSEEN_TEST(MaxPoolForward, DrawnWindowsAndTies) {
    const int k = between(rng, 1, 3), s = between(rng, 1, 3);
    const Shape shape{between(rng, 1, 2), between(rng, 2, 3), k + between(rng, 0, 6), k + between(rng, 0, 6)};
    const Tensor x = Tensor::randn(shape, rng);
    const auto pooled = [&](const Tensor& input, int kernel, int stride) {
        const MaxPoolResult r = maxpool2d_forward(input, kernel, stride);
        return std::pair{r.out, r.cache.argmax};
    };
    EXPECT_MATCHES_REFERENCE(pooled(x, k, s), tol::kExact);
    // small integers: ties in most windows (the first maximum wins) and all-negative windows
    const int k2 = between(rng, 2, 3), s2 = between(rng, 1, 3);
    Tensor ties({between(rng, 1, 2), between(rng, 1, 3), k2 + between(rng, 0, 5), k2 + between(rng, 0, 5)});
    for (float& v : ties) v = static_cast<float>(between(rng, -3, 1));
    EXPECT_MATCHES_REFERENCE(pooled(ties, k2, s2), tol::kExact);
}

UNSEEN_TEST(MaxPoolBackward, DrawnOverlappingWindows) {
    // stride < kernel: an input can win several windows
    const int k = between(rng, 2, 3), s = between(rng, 1, k - 1);
    const Tensor x = Tensor::randn({between(rng, 1, 2), between(rng, 1, 3), k + between(rng, 1, 6), k + between(rng, 1, 6)}, rng);
    const MaxPoolCache cache = winners_of(x, k, s);
    const Tensor dout = Tensor::randn({x.dim(0), x.dim(1), (x.dim(2) - k) / s + 1, (x.dim(3) - k) / s + 1}, rng);
    EXPECT_MATCHES_REFERENCE(maxpool2d_backward(dout, cache), tol::kForward);
}

UNSEEN_TEST(IoU, DrawnBoxes) {
    // in a 20 x 20 field with sides 1 to 10: overlapping, nested and disjoint pairs
    const Tensor a = drawn_boxes(rng, between(rng, 1, 8), 20.0f, 1.0f, 10.0f);
    const Tensor b = drawn_boxes(rng, between(rng, 1, 8), 20.0f, 1.0f, 10.0f);
    EXPECT_MATCHES_REFERENCE(box_iou(a, b), tol::kForward);
}

UNSEEN_TEST(NMS, DrawnChainsAndThresholds) {
    // 2 to 4 chains of 3 or 4 boxes, each a quarter to half a box width after the last one: neighbours
    // overlap (IoU 1/3 to 3/5), boxes two apart barely. In half of the chains the scores fall along the
    // chain, as a detector's do around an object: a box suppressed by its better neighbour must not
    // suppress the next one.
    std::vector<float> corners, confidences;
    for (int chain = between(rng, 2, 4); chain > 0; --chain) {
        float x = rng.uniform(0.0f, 5.0f), y = 20.0f * static_cast<float>(chain) + rng.uniform(0.0f, 5.0f);
        const float w = rng.uniform(4.0f, 8.0f), h = rng.uniform(4.0f, 8.0f);
        const bool horizontal = rng.below(2) == 0;
        std::vector<float> scores(static_cast<std::size_t>(between(rng, 3, 4)));
        for (float& score : scores) score = rng.uniform01();
        if (rng.below(2) == 0) std::sort(scores.begin(), scores.end(), std::greater<>());
        for (float score : scores) {
            corners.insert(corners.end(), {x, y, x + w, y + h});
            confidences.push_back(score);
            (horizontal ? x : y) += rng.uniform(0.25f, 0.5f) * (horizontal ? w : h);
        }
    }
    const int N = static_cast<int>(confidences.size());
    const Tensor boxes({N, 4}, corners), scores({N}, confidences);
    for (int t = 0; t < 2; ++t) {
        // a threshold no pair's IoU comes within 1e-3 of: IoUs computed in another order agree on every comparison
        float threshold = 0.0f;
        for (bool clear = false; !clear;) {
            threshold = rng.uniform(0.2f, 0.45f);
            clear = true;
            for (int i = 0; i < N; ++i)
                for (int j = 0; j < i; ++j) clear = clear && std::abs(pair_iou(boxes, i, j) - threshold) > 1e-3f;
        }
        EXPECT_MATCHES_REFERENCE(nms(boxes, scores, threshold), tol::kExact);
    }
}

UNSEEN_TEST(SegmentationMetrics, DrawnLabelMaps) {
    // one class drawn to appear in neither map: its IoU is NaN and stays out of the mean
    const int K = between(rng, 3, 6), absent = between(rng, 0, K - 1);
    const Shape shape{between(rng, 1, 3), between(rng, 2, 6), between(rng, 2, 6)};
    const auto label = [&] {
        const int l = between(rng, 0, K - 2);
        return static_cast<float>(l >= absent ? l + 1 : l);
    };
    Tensor target(shape), pred(shape);
    for (std::size_t i = 0; i < target.size(); ++i) {
        target[i] = label();
        pred[i] = rng.uniform01() < 0.6f ? target[i] : label();
    }
    EXPECT_MATCHES_REFERENCE(segmentation_scores(pred, target, K), tol::kForward);
}
