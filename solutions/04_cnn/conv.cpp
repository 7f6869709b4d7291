// Reference: 2-D convolution forward (naive and im2col + GEMM), backward, and the fused conv + ReLU + max-pool block.
// The im2col path is the one the framework's Conv2D layer trains with, so it is batch-parallel
// (each worker takes whole images) and allocates once per worker per call, never per element.
#include "chapters/04_cnn/conv.hpp"

#include <algorithm>
#include <vector>

#include "chapters/04_cnn/shapes.hpp"
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

// The output columns j in [begin, end) whose input column j * stride + offset lies inside [0, W);
// the others read the zero padding. Found once per kernel column, so the copy loops below have no
// bounds checks and vectorise.
struct InsideSpan {
    int begin, end;
};
InsideSpan inside_span(int offset, int stride, int W, int OW) {
    InsideSpan s{0, OW};
    while (s.begin < OW && s.begin * stride + offset < 0) ++s.begin;
    while (s.end > s.begin && (s.end - 1) * stride + offset >= W) --s.end;
    return s;
}

// im2col of one image (C, H, W) at `image` into cols (C*KH*KW, OH*OW).
void im2col_into(const float* image, const ConvGeometry& g, const Conv2dParams& p, float* cols) {
    for (int c = 0; c < g.C; ++c)
        for (int u = 0; u < g.KH; ++u)
            for (int v = 0; v < g.KW; ++v) {
                float* row = cols + static_cast<std::size_t>((c * g.KH + u) * g.KW + v) * g.OH * g.OW;
                const int x_offset = v * p.dilation - p.padding;  // input column of output column 0
                const InsideSpan in_x = inside_span(x_offset, p.stride, g.W, g.OW);
                for (int i = 0; i < g.OH; ++i) {
                    const int y = i * p.stride + u * p.dilation - p.padding;
                    float* out = row + static_cast<std::size_t>(i) * g.OW;
                    if (y < 0 || y >= g.H) {  // a padding row
                        std::fill(out, out + g.OW, 0.0f);
                        continue;
                    }
                    const float* in = image + (static_cast<std::size_t>(c) * g.H + y) * g.W;
                    std::fill(out, out + in_x.begin, 0.0f);
                    for (int j = in_x.begin; j < in_x.end; ++j) out[j] = in[j * p.stride + x_offset];
                    std::fill(out + in_x.end, out + g.OW, 0.0f);
                }
            }
}

// col2im: the adjoint of im2col. Adds cols (C*KH*KW, OH*OW) back into image (C, H, W); entries that
// came from the padding have no input pixel to credit and are dropped.
void col2im_add(const float* cols, const ConvGeometry& g, const Conv2dParams& p, float* image) {
    for (int c = 0; c < g.C; ++c)
        for (int u = 0; u < g.KH; ++u)
            for (int v = 0; v < g.KW; ++v) {
                const float* row = cols + static_cast<std::size_t>((c * g.KH + u) * g.KW + v) * g.OH * g.OW;
                const int x_offset = v * p.dilation - p.padding;
                const InsideSpan in_x = inside_span(x_offset, p.stride, g.W, g.OW);
                for (int i = 0; i < g.OH; ++i) {
                    const int y = i * p.stride + u * p.dilation - p.padding;
                    if (y < 0 || y >= g.H) continue;
                    const float* from = row + static_cast<std::size_t>(i) * g.OW;
                    float* in = image + (static_cast<std::size_t>(c) * g.H + y) * g.W;
                    for (int j = in_x.begin; j < in_x.end; ++j) in[j * p.stride + x_offset] += from[j];
                }
            }
}

// The backward pass shared by conv2d_backward and the fused block, batch-parallel. dconv_of(n, scratch)
// returns image n's gradient with respect to the convolution output, (F, OH*OW), building it in the
// worker's scratch vector (sized by dconv_of, once) if it is not stored anywhere. Per image: dW += dconv cols^T, db += row sums of dconv,
// dX[n] = col2im(W^T dconv). Each worker sums dW and db over its own images; the sums are added last.
template <class DConvOf>
Conv2dGrads batched_conv_backward(const Tensor& x, const Tensor& w, const ConvGeometry& g, const Conv2dParams& p,
                                  bool has_bias, bool need_dx, DConvOf dconv_of) {
    const int K = g.C * g.KH * g.KW, P = g.OH * g.OW;
    Conv2dGrads grads{need_dx ? Tensor(x.shape()) : Tensor(), Tensor(w.shape()), has_bias ? Tensor({g.F}) : Tensor()};
    // One partial dW and db per chunk of images, added in chunk order: the same bits on every run.
    const int chunks = std::min(thread_count(), g.N);
    std::vector<std::vector<float>> partial_dw(static_cast<std::size_t>(chunks));
    std::vector<std::vector<float>> partial_db(partial_dw.size());
    parallel_chunks(g.N, chunks, [&](int chunk, int begin, int end) {
        std::vector<float>& dw = partial_dw[static_cast<std::size_t>(chunk)];
        std::vector<float>& db = partial_db[static_cast<std::size_t>(chunk)];
        dw.assign(static_cast<std::size_t>(g.F) * K, 0.0f);
        db.assign(static_cast<std::size_t>(g.F), 0.0f);
        std::vector<float> cols(static_cast<std::size_t>(K) * P), scratch;
        for (int n = begin; n < end; ++n) {
            const float* d = dconv_of(n, scratch);
            // dW += dO_n (F, P) cols_n^T (P, K)
            im2col_into(x.data() + static_cast<std::size_t>(n) * g.C * g.H * g.W, g, p, cols.data());
            gemm(false, true, g.F, K, P, 1.0f, d, cols.data(), 1.0f, dw.data());
            // db[f] += sum over positions of dO_n[f]
            for (int f = 0; f < g.F; ++f) db[static_cast<std::size_t>(f)] += sum(d + static_cast<std::size_t>(f) * P, P);
            if (need_dx) {
                // dcols (K, P) = W^T (K, F) dO_n (F, P); col2im sends each entry back to its pixel
                gemm(true, false, K, P, g.F, 1.0f, w.data(), d, 0.0f, cols.data());
                col2im_add(cols.data(), g, p, grads.dx.data() + static_cast<std::size_t>(n) * g.C * g.H * g.W);
            }
        }
    });
    for (std::size_t s = 0; s < partial_dw.size(); ++s) {
        for (std::size_t i = 0; i < partial_dw[s].size(); ++i) grads.dw[i] += partial_dw[s][i];
        if (has_bias)
            for (std::size_t i = 0; i < partial_db[s].size(); ++i) grads.db[i] += partial_db[s][i];
    }
    return grads;
}

// ReLU(max over each pool x pool window + bias) of one convolution plane (OH, OW), with the flat
// index (offset by base) of each window's first maximum, or -1 where the ReLU cut it to 0. The 2x2 case, chapter 07's, is written out:
// straight-line selects the compiler turns into vector code, where the general loops stay scalar.
void relu_pool_plane(const float* plane, int OW, int pool, int PH, int PW, float bias, int base, float* out,
                     int* argmax) {
    for (int i = 0; i < PH; ++i) {
        if (pool == 2) {
            const float* r0 = plane + static_cast<std::size_t>(2 * i) * OW;
            const float* r1 = r0 + OW;
            const int top = base + 2 * i * OW;
            for (int j = 0; j < PW; ++j) {
                // candidates in row-major window order; a later one wins only if strictly greater
                // (std::max(x, y) returns y only if x < y; the index arithmetic avoids branches,
                // which mispredict half the time on this data)
                const float a = r0[2 * j], b = r0[2 * j + 1], c = r1[2 * j], d = r1[2 * j + 1];
                const int b_wins = b > a;
                const float ab = std::max(a, b);
                const int c_wins = c > ab;
                const float abc = std::max(ab, c);
                const int d_wins = d > abc;
                const float best = std::max(abc, d);
                int offset = b_wins;
                offset += c_wins * (OW - offset);
                offset += d_wins * (OW + 1 - offset);
                const float value = best + bias;
                out[i * PW + j] = std::max(value, 0.0f);
                argmax[i * PW + j] = value > 0.0f ? top + 2 * j + offset : -1;  // -1: the ReLU cut it
            }
            continue;
        }
        for (int j = 0; j < PW; ++j) {
            int best = (i * pool) * OW + j * pool;
            float best_value = plane[best];
            for (int u = 0; u < pool; ++u)
                for (int v = 0; v < pool; ++v) {
                    const int at = (i * pool + u) * OW + j * pool + v;
                    const bool greater = plane[at] > best_value;
                    best_value = greater ? plane[at] : best_value;
                    best = greater ? at : best;
                }
            const float value = best_value + bias;  // max(a + b) = max(a) + b: add the bias once
            out[i * PW + j] = value > 0.0f ? value : 0.0f;
            argmax[i * PW + j] = value > 0.0f ? base + best : -1;  // -1: the ReLU cut it
        }
    }
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
    im2col_into(image.data(), g, p, cols.data());
    return cols;
}

Tensor conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p) {
    const ConvGeometry g = check_conv("conv2d_forward", x, w, b, p);
    const int K = g.C * g.KH * g.KW, P = g.OH * g.OW;
    Tensor out = Tensor::uninitialized({g.N, g.F, g.OH, g.OW});  // every element is written below
    parallel_for(g.N, [&](int begin, int end) {
        std::vector<float> cols(static_cast<std::size_t>(K) * P);
        for (int n = begin; n < end; ++n) {
            float* o = out.data() + static_cast<std::size_t>(n) * g.F * P;
            // out[n] (F, P) = W (F, K) cols (K, P), then + b per row
            im2col_into(x.data() + static_cast<std::size_t>(n) * g.C * g.H * g.W, g, p, cols.data());
            gemm(false, false, g.F, P, K, 1.0f, w.data(), cols.data(), 0.0f, o);
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
    const std::size_t per_image = static_cast<std::size_t>(g.F) * g.OH * g.OW;
    return batched_conv_backward(x, w, g, p, has_bias, need_dx,
                                 [&](int n, std::vector<float>&) { return dout.data() + n * per_image; });
}

ConvReluPoolResult conv2d_relu_maxpool_forward(const Tensor& x, const Tensor& w, const Tensor& b,
                                               const Conv2dParams& p, int pool) {
    const char* op = "conv2d_relu_maxpool_forward";
    const ConvGeometry g = check_conv(op, x, w, b, p);
    if (pool <= 0 || pool > g.OH || pool > g.OW)
        shape_mismatch(op, "x", x, "w", w,
                       "a pool of " + std::to_string(pool) + " does not fit the convolution output " +
                           std::to_string(g.OH) + "x" + std::to_string(g.OW));
    const int K = g.C * g.KH * g.KW, P = g.OH * g.OW, PH = g.OH / pool, PW = g.OW / pool;
    ConvReluPoolResult r{Tensor::uninitialized({g.N, g.F, PH, PW}),  // every element is written below
                         {x, w, !b.empty(), p, {g.N, g.F, g.OH, g.OW}, {g.N, g.F, PH, PW},
                          std::vector<int>(static_cast<std::size_t>(g.N) * g.F * PH * PW)}};
    parallel_for(g.N, [&](int begin, int end) {
        // per worker: one image's columns and convolution output, small enough to stay in cache
        std::vector<float> cols(static_cast<std::size_t>(K) * P), conv(static_cast<std::size_t>(g.F) * P);
        for (int n = begin; n < end; ++n) {
            // conv (F, P) = W (F, K) cols (K, P) + b
            im2col_into(x.data() + static_cast<std::size_t>(n) * g.C * g.H * g.W, g, p, cols.data());
            gemm(false, false, g.F, P, K, 1.0f, w.data(), cols.data(), 0.0f, conv.data());
            for (int f = 0; f < g.F; ++f) {
                const std::size_t out_base = (static_cast<std::size_t>(n) * g.F + f) * PH * PW;
                relu_pool_plane(conv.data() + static_cast<std::size_t>(f) * P, g.OW, pool, PH, PW,
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
    const int P = g.OH * g.OW, pooled_per_image = c.out_shape[1] * c.out_shape[2] * c.out_shape[3];
    return batched_conv_backward(c.x, c.w, g, c.conv, c.has_bias, need_dx, [&](int n, std::vector<float>& scratch) {
        // each window's gradient goes to its winner, if the ReLU let the winner through (argmax != -1)
        scratch.assign(static_cast<std::size_t>(g.F) * P, 0.0f);
        float* dconv = scratch.data();
        const int conv_base = n * g.F * P;
        for (int q = n * pooled_per_image; q < (n + 1) * pooled_per_image; ++q) {
            const int winner = c.argmax[static_cast<std::size_t>(q)];
            if (winner >= 0) dconv[winner - conv_base] += dout[static_cast<std::size_t>(q)];
        }
        return static_cast<const float*>(dconv);
    });
}

}  // namespace wb
