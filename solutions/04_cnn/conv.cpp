// Reference: 2-D convolution forward (naive and im2col + GEMM), backward, and the fused conv + ReLU +
// max-pool block. The im2col path is the one the framework's Conv2D layer trains with: it runs image by
// image in parallel and calls the framework's convolution kernels (framework/conv_kernels.hpp: an
// im2col of one image, its adjoint, W im2col(x) and col2im(W^T dO) without building the columns at
// stride 1, a ReLU + max-pool pass), so each function here reads as its steps.
#include "chapters/04_cnn/conv.hpp"

#include <algorithm>
#include <vector>

#include "chapters/04_cnn/shapes.hpp"
#include "framework/conv_kernels.hpp"
#include "framework/linalg.hpp"
#include "framework/parallel.hpp"

namespace wb {

namespace {

struct ConvGeometry {
    int N, C, H, W, F, KH, KW, OH, OW;
};

// Checks x (N, C, H, W), w (F, C, KH, KW), b (F) or empty; returns every size.
ConvGeometry check_conv(const char* op, const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p) {
    require_rank(op, "x", x, 4);
    require_rank(op, "w", w, 4);
    if (x.dim(1) != w.dim(1)) shape_mismatch(op, "x", x, "w", w, "x has C channels, w must be (F, C, KH, KW)");
    if (!b.empty() && b.shape() != Shape{w.dim(0)}) shape_mismatch(op, "w", w, "b", b, "b must be (F) or empty");
    ConvGeometry g{x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3), 0, 0};
    try {
        g.OH = conv_output_size(g.H, g.KH, p.stride, p.padding, p.dilation);
        g.OW = conv_output_size(g.W, g.KW, p.stride, p.padding, p.dilation);
    } catch (const ShapeError& e) {
        shape_mismatch(op, "x", x, "w", w, e.what());
    }
    return g;
}

ConvShape shape_of(const ConvGeometry& g, const Conv2dParams& p) {
    return {g.C, g.H, g.W, g.KH, g.KW, p.stride, p.padding, p.dilation, g.OH, g.OW};
}

// One image's share of the backward pass, with dO_n (F, OH*OW) the gradient of its convolution output, X_n =
// im2col(x_n) (K, P):
//   dW += dO_n X_n^T, db += the row sums of dO_n   (into dw_db: the F*K values of dW, then the F of db)
//   dX_n = col2im(W^T dO_n)                         (skipped when dx_n is null)
// At stride 1 the framework's kernels read X_n in place, and run dX_n as a convolution of dO_n with W flipped.
void backward_one_image(const float* dout_n, const float* x_n, const Tensor& w, const ConvShape& s, int F,
                        float* dw_db, float* dx_n, ConvScratch& scratch) {
    const int K = s.C * s.KH * s.KW, P = s.OH * s.OW;
    conv_image_weight_gradient(dout_n, F, x_n, s, scratch, dw_db);  // dW (F, K) += dO_n (F, P) X_n^T (P, K)
    float* db = dw_db + static_cast<std::size_t>(F) * K;
    for (int f = 0; f < F; ++f) db[f] += sum(dout_n + static_cast<std::size_t>(f) * P, P);
    if (dx_n) conv_image_input_gradient(w.data(), F, dout_n, s, scratch, dx_n);  // dX_n = col2im(W^T dO_n)
}

// The gradients from the summed dW and db (F*K + F values) and dX.
Conv2dGrads grads_from(const std::vector<float>& dw_db, const Tensor& w, bool has_bias, Tensor dx) {
    const std::size_t dw_size = w.size();
    Tensor dw(w.shape(), std::vector<float>(dw_db.begin(), dw_db.begin() + static_cast<std::ptrdiff_t>(dw_size)));
    Tensor db = has_bias ? Tensor({w.dim(0)}, std::vector<float>(dw_db.begin() + static_cast<std::ptrdiff_t>(dw_size), dw_db.end()))
                         : Tensor();
    return {std::move(dx), std::move(dw), std::move(db)};
}

}  // namespace

Tensor conv2d_forward_naive(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p) {
    const ConvGeometry g = check_conv("conv2d_forward_naive", x, w, b, p);
    Tensor out({g.N, g.F, g.OH, g.OW});
    // out[n, f, i, j] = b[f] + sum_{c,u,v} w[f, c, u, v] x[n, c, i s + u d - pad, j s + v d - pad]
    for (int n = 0; n < g.N; ++n)
        for (int f = 0; f < g.F; ++f)
            for (int i = 0; i < g.OH; ++i)
                for (int j = 0; j < g.OW; ++j) {
                    float sum = b.empty() ? 0.0f : b(f);
                    for (int c = 0; c < g.C; ++c)
                        for (int u = 0; u < g.KH; ++u) {
                            const int y = i * p.stride + u * p.dilation - p.padding;
                            if (y < 0 || y >= g.H) continue;  // zero padding
                            for (int v = 0; v < g.KW; ++v) {
                                const int xx = j * p.stride + v * p.dilation - p.padding;
                                if (xx < 0 || xx >= g.W) continue;
                                sum += w(f, c, u, v) * x(n, c, y, xx);
                            }
                        }
                    out(n, f, i, j) = sum;
                }
    return out;
}

Tensor im2col(const Tensor& image, int kernel_h, int kernel_w, const Conv2dParams& p) {
    require_rank("im2col", "image", image, 3);
    const Tensor x = image.reshaped({1, image.dim(0), image.dim(1), image.dim(2)});
    const ConvGeometry g = check_conv("im2col", x, Tensor({1, image.dim(0), kernel_h, kernel_w}), Tensor(), p);
    Tensor cols({g.C * g.KH * g.KW, g.OH * g.OW});
    // cols[(c KH + u) KW + v, i OW + j] = image[c, i s + u d - pad, j s + v d - pad], 0 in the padding
    for (int c = 0; c < g.C; ++c)
        for (int u = 0; u < g.KH; ++u)
            for (int v = 0; v < g.KW; ++v) {
                const int row = (c * g.KH + u) * g.KW + v;
                for (int i = 0; i < g.OH; ++i)
                    for (int j = 0; j < g.OW; ++j) {
                        const int y = i * p.stride + u * p.dilation - p.padding;
                        const int xx = j * p.stride + v * p.dilation - p.padding;
                        const bool inside = y >= 0 && y < g.H && xx >= 0 && xx < g.W;
                        cols(row, i * g.OW + j) = inside ? image(c, y, xx) : 0.0f;
                    }
            }
    return cols;
}

Tensor conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p) {
    const ConvGeometry g = check_conv("conv2d_forward", x, w, b, p);
    const ConvShape s = shape_of(g, p);
    const int P = g.OH * g.OW;
    Tensor out = Tensor::uninitialized({g.N, g.F, g.OH, g.OW});  // every element is written below
    parallel_for(g.N, [&](int begin, int end) {
        ConvScratch scratch;  // per worker, reused across its images
        for (int n = begin; n < end; ++n) {
            // out[n] (F, P) = W (F, K) im2col(x[n]) (K, P), then + b per row; conv_image reads the columns in place
            float* o = out.data() + static_cast<std::size_t>(n) * g.F * P;
            conv_image(w.data(), g.F, x.data() + static_cast<std::size_t>(n) * g.C * g.H * g.W, s, scratch, o);
            if (!b.empty())
                for (int f = 0; f < g.F; ++f) {
                    float* row = o + static_cast<std::size_t>(f) * P;
                    const float bias = b[f];
                    for (int q = 0; q < P; ++q) row[q] += bias;
                }
        }
    });
    return out;
}

Conv2dGrads conv2d_backward(const Tensor& dout, const Tensor& x, const Tensor& w, bool has_bias,
                            const Conv2dParams& p, bool need_dx) {
    const ConvGeometry g = check_conv("conv2d_backward", x, w, Tensor(), p);
    require_shape("conv2d_backward", "dout", dout, {g.N, g.F, g.OH, g.OW});
    const ConvShape s = shape_of(g, p);
    const std::size_t K = static_cast<std::size_t>(g.C) * g.KH * g.KW, P = static_cast<std::size_t>(g.OH) * g.OW;
    const std::size_t image_size = static_cast<std::size_t>(g.C) * g.H * g.W;
    Tensor dx = need_dx ? Tensor::uninitialized(x.shape()) : Tensor();  // each image's is overwritten
    // dW and db sum over the batch: each chunk of images adds into its own sums, which are then added
    // in a fixed order (parallel_accumulate), so the same input gives the same bits on every run.
    std::vector<float> dw_db(g.F * K + g.F);
    parallel_accumulate(g.N, dw_db.size(), dw_db.data(), [&](int begin, int end, float* sums) {
        ConvScratch scratch;  // per worker, reused across its images
        for (int n = begin; n < end; ++n)
            backward_one_image(dout.data() + n * g.F * P, x.data() + n * image_size, w, s, g.F, sums,
                               need_dx ? dx.data() + n * image_size : nullptr, scratch);
    });
    return grads_from(dw_db, w, has_bias, std::move(dx));
}

ConvReluPoolResult conv2d_relu_maxpool_forward(const Tensor& x, const Tensor& w, const Tensor& b,
                                               const Conv2dParams& p, int pool) {
    const char* op = "conv2d_relu_maxpool_forward";
    const ConvGeometry g = check_conv(op, x, w, b, p);
    if (pool <= 0 || pool > g.OH || pool > g.OW)
        shape_mismatch(op, "x", x, "w", w,
                       "a pool of " + std::to_string(pool) + " does not fit the convolution output " +
                           std::to_string(g.OH) + "x" + std::to_string(g.OW));
    const ConvShape s = shape_of(g, p);
    const int P = g.OH * g.OW, PH = g.OH / pool, PW = g.OW / pool;
    ConvReluPoolResult r{Tensor::uninitialized({g.N, g.F, PH, PW}),  // every element is written below
                         {x, w, !b.empty(), p, {g.N, g.F, g.OH, g.OW}, {g.N, g.F, PH, PW},
                          std::vector<int>(static_cast<std::size_t>(g.N) * g.F * PH * PW)}};
    parallel_for(g.N, [&](int begin, int end) {
        // per worker: one image's columns and convolution output, small enough to stay in cache
        ConvScratch scratch;
        std::vector<float> conv(static_cast<std::size_t>(g.F) * P);
        for (int n = begin; n < end; ++n) {
            // conv (F, P) = W (F, K) im2col(x[n]) (K, P), as conv2d_forward; then per plane: ReLU(max over each window + b)
            conv_image(w.data(), g.F, x.data() + static_cast<std::size_t>(n) * g.C * g.H * g.W, s, scratch, conv.data());
            for (int f = 0; f < g.F; ++f) {
                const std::size_t out_base = (static_cast<std::size_t>(n) * g.F + f) * PH * PW;
                relu_maxpool_plane(conv.data() + static_cast<std::size_t>(f) * P, g.OW, pool, PH, PW,
                                   b.empty() ? 0.0f : b(f), (n * g.F + f) * P, r.out.data() + out_base,
                                   r.cache.argmax.data() + out_base);
            }
        }
    });
    return r;
}

Conv2dGrads conv2d_relu_maxpool_backward(const Tensor& dout, const ConvReluPoolCache& c, bool need_dx) {
    const char* op = "conv2d_relu_maxpool_backward";
    require_shape(op, "dout", dout, c.out_shape);
    const ConvGeometry g = check_conv(op, c.x, c.w, Tensor(), c.conv);
    const ConvShape s = shape_of(g, c.conv);
    const std::size_t K = static_cast<std::size_t>(g.C) * g.KH * g.KW, P = static_cast<std::size_t>(g.OH) * g.OW;
    const std::size_t image_size = static_cast<std::size_t>(g.C) * g.H * g.W;
    const int pooled_per_image = c.out_shape[1] * c.out_shape[2] * c.out_shape[3];
    Tensor dx = need_dx ? Tensor::uninitialized(c.x.shape()) : Tensor();  // each image's is overwritten
    std::vector<float> dw_db(g.F * K + g.F);
    parallel_accumulate(g.N, dw_db.size(), dw_db.data(), [&](int begin, int end, float* sums) {
        ConvScratch scratch;
        Tensor dconv({g.F, static_cast<int>(P)});  // a Tensor's storage is aligned: wb::sum adds in the same order every run
        for (int n = begin; n < end; ++n) {
            // dconv (F, P): each window's gradient goes to its winner, if the ReLU let it through (argmax != -1)
            std::fill(dconv.begin(), dconv.end(), 0.0f);
            const int conv_base = n * g.F * static_cast<int>(P);
            for (int q = n * pooled_per_image; q < (n + 1) * pooled_per_image; ++q) {
                const int winner = c.argmax[static_cast<std::size_t>(q)];
                if (winner >= 0) dconv[static_cast<std::size_t>(winner - conv_base)] += dout[static_cast<std::size_t>(q)];
            }
            backward_one_image(dconv.data(), c.x.data() + n * image_size, c.w, s, g.F, sums,
                               need_dx ? dx.data() + n * image_size : nullptr, scratch);
        }
    });
    return grads_from(dw_db, c.w, c.has_bias, std::move(dx));
}

}  // namespace wb
