#include "layers/diffusion_layers.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "chapters/05_gan/pixel_shuffle.hpp"
#include "framework/elementwise.hpp"
#include "framework/linalg.hpp"
#include "framework/parallel.hpp"

namespace wb {
namespace {

const char* kForward = "DenoisingUNet::forward";

UNetConv make_conv(int in, int out, int stride, Rng& rng, bool zero = false) {
    UNetConv c;
    c.w = zero ? Tensor({out, in, 3, 3}) : he_normal({out, in, 3, 3}, rng);
    c.b = Tensor({out});
    c.stride = stride;
    return c;
}

UNetResBlock make_block(int channels, int cond, Rng& rng) {
    return {make_conv(channels, channels, 1, rng), make_conv(channels, channels, 1, rng, true),
            glorot_uniform({channels, cond}, rng), Tensor({channels}), Tensor(), Tensor()};
}

Tensor conv(const UNetConv& c, const Tensor& x) { return conv2d_forward(x, c.w, c.b, {c.stride, 1}); }

/// Sets c's gradients; returns dL/dx (empty when not needed).
Tensor conv_backward(UNetConv& c, const Tensor& dout, const Tensor& x, bool need_dx = true) {
    Conv2dGrads g = conv2d_backward(dout, x, c.w, true, {c.stride, 1}, need_dx);
    c.dw = std::move(g.dw);
    c.db = std::move(g.db);
    return std::move(g.dx);
}

/// Calls body(begin, end) on ranges of [0, n) across the pool. Each range starts at a multiple of 1,024 elements, so
/// that it meets the vectorised kernels at the same alignment as one pass over the whole tensor would, and gives the
/// same bits.
void elementwise_ranges(std::size_t n, const std::function<void(std::size_t begin, std::size_t end)>& body) {
    constexpr std::size_t block = 1024;
    const int blocks = static_cast<int>((n + block - 1) / block);
    parallel_for(blocks, block, [&](int first, int last) {
        body(first * block, std::min(n, last * block));
    });
}

/// SiLU(x) = x sigmoid(x), elementwise (sigmoid by the framework's vectorised kernel: a std::exp per element cost a
/// fifth of a step).
Tensor silu(const Tensor& x) {
    Tensor y = Tensor::uninitialized(x.shape());
    elementwise_ranges(x.size(), [&](std::size_t begin, std::size_t end) {
        sigmoid_array(x.data() + begin, y.data() + begin, static_cast<int>(end - begin));
        for (std::size_t i = begin; i < end; ++i) y[i] *= x[i];
    });
    return y;
}

/// dL/dx = dL/dy sigmoid(x) (1 + x (1 - sigmoid(x))).
Tensor silu_backward(const Tensor& dout, const Tensor& x) {
    Tensor dx = Tensor::uninitialized(x.shape());
    elementwise_ranges(x.size(), [&](std::size_t begin, std::size_t end) {
        sigmoid_array(x.data() + begin, dx.data() + begin, static_cast<int>(end - begin));
        for (std::size_t i = begin; i < end; ++i) {
            const float s = dx[i];
            dx[i] = dout[i] * s * (1.0f + x[i] * (1.0f - s));
        }
    });
    return dx;
}

/// (N, Ca, H, W) and (N, Cb, H, W) -> (N, Ca + Cb, H, W).
Tensor concat_channels(const Tensor& a, const Tensor& b) {
    const int N = a.dim(0), Ca = a.dim(1), Cb = b.dim(1), HW = a.dim(2) * a.dim(3);
    Tensor y = Tensor::uninitialized({N, Ca + Cb, a.dim(2), a.dim(3)});  // every element is copied in
    for (int n = 0; n < N; ++n) {
        std::copy_n(&a(n, 0, 0, 0), static_cast<std::size_t>(Ca) * HW, &y(n, 0, 0, 0));
        std::copy_n(&b(n, 0, 0, 0), static_cast<std::size_t>(Cb) * HW, &y(n, Ca, 0, 0));
    }
    return y;
}

/// The inverse of concat_channels for a gradient: its first `first` channels, and the rest.
std::pair<Tensor, Tensor> split_channels(const Tensor& d, int first) {
    const int N = d.dim(0), C = d.dim(1), HW = d.dim(2) * d.dim(3);
    Tensor a = Tensor::uninitialized({N, first, d.dim(2), d.dim(3)}), b = Tensor::uninitialized({N, C - first, d.dim(2), d.dim(3)});
    for (int n = 0; n < N; ++n) {
        std::copy_n(&d(n, 0, 0, 0), static_cast<std::size_t>(first) * HW, &a(n, 0, 0, 0));
        std::copy_n(&d(n, first, 0, 0), static_cast<std::size_t>(C - first) * HW, &b(n, 0, 0, 0));
    }
    return {std::move(a), std::move(b)};
}

void add_into(Tensor& sum, const Tensor& x) {
    elementwise_ranges(sum.size(), [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) sum[i] += x[i];
    });
}

/// y = x + conv2(SiLU(conv1(SiLU(x)) + P c)), P c added to every pixel of its channel.
Tensor block_forward(const UNetResBlock& block, Tensor x, const Tensor& cond, UNetResCache& cache) {
    const int N = x.dim(0), C = x.dim(1), HW = x.dim(2) * x.dim(3), Cc = cond.dim(1);
    cache.x = std::move(x);  // kept for the backward; a copy of every block's input cost a pass over memory
    cache.a1 = silu(cache.x);
    cache.z1 = conv(block.conv1, cache.a1);
    // projected = c P^T + pb: (N, C)
    Tensor projected({N, C});
    gemm(false, true, N, C, Cc, 1.0f, cond.data(), block.p.data(), 0.0f, projected.data());
    parallel_for(N, static_cast<double>(C) * HW, [&](int begin, int end) {
        for (int n = begin; n < end; ++n)
            for (int c = 0; c < C; ++c) {
                const float bias = projected(n, c) + block.pb[c];
                float* plane = &cache.z1(n, c, 0, 0);
                for (int i = 0; i < HW; ++i) plane[i] += bias;
            }
    });
    cache.a2 = silu(cache.z1);
    Tensor y = conv(block.conv2, cache.a2);
    add_into(y, cache.x);
    return y;
}

/// The block's backward: sets its gradients, adds dL/dcond into dcond, returns dL/dx.
Tensor block_backward(UNetResBlock& block, const Tensor& dout, const Tensor& cond, const UNetResCache& cache,
                      Tensor& dcond) {
    const int N = dout.dim(0), C = dout.dim(1), HW = dout.dim(2) * dout.dim(3), Cc = cond.dim(1);
    const Tensor dz1 = silu_backward(conv_backward(block.conv2, dout, cache.a2), cache.z1);
    // the projection's gradient: each image's channel bias collected over its pixels
    Tensor dprojected = Tensor::uninitialized({N, C});
    parallel_for(N, static_cast<double>(C) * HW, [&](int begin, int end) {
        for (int n = begin; n < end; ++n)
            for (int c = 0; c < C; ++c) {
                const float* plane = &dz1(n, c, 0, 0);
                double sum = 0.0;
                for (int i = 0; i < HW; ++i) sum += plane[i];
                dprojected(n, c) = static_cast<float>(sum);
            }
    });
    block.dp = Tensor({C, Cc});
    gemm(true, false, C, Cc, N, 1.0f, dprojected.data(), cond.data(), 0.0f, block.dp.data());
    block.dpb = Tensor({C});
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c) block.dpb[c] += dprojected(n, c);
    gemm(false, false, N, Cc, C, 1.0f, dprojected.data(), block.p.data(), 1.0f, dcond.data());
    Tensor dx = silu_backward(conv_backward(block.conv1, dz1, cache.a1), cache.x);
    add_into(dx, dout);  // the residual path
    return dx;
}

void require_label(const Tensor& labels, int N, int classes) {
    require_shape(kForward, "labels", labels, {N});
    for (int n = 0; n < N; ++n)
        if (labels[n] < 0 || labels[n] > classes || labels[n] != std::floor(labels[n]))
            throw ShapeError(std::string(kForward) + ": label " + std::to_string(labels[n]) + " is not an integer in [0, " +
                             std::to_string(classes) + "] (" + std::to_string(classes) + ": no label)");
}

}  // namespace

DenoisingUNet::DenoisingUNet(const UNetConfig& c, Rng& rng) : config(c) {
    const int C = c.channels, Ci = c.image_channels, Cc = 2 * C;
    if (C < 2 || C % 2 != 0 || Ci < 1 || c.total_steps < 1 || c.classes < 1)
        throw ShapeError("DenoisingUNet: channels " + std::to_string(C) + " must be even and >= 2, and the image "
                         "channels, steps and classes positive");
    time = {glorot_uniform({Cc, C}, rng), Tensor({Cc}), glorot_uniform({Cc, Cc}, rng), Tensor({Cc})};
    class_table = Tensor::randn({c.classes + 1, Cc}, rng, 1.0f);
    class_table_grad = Tensor({c.classes + 1, Cc});
    conv_in = make_conv(Ci, C, 1, rng);
    block1 = make_block(C, Cc, rng);
    down1 = make_conv(C, 2 * C, 2, rng);
    block2 = make_block(2 * C, Cc, rng);
    down2 = make_conv(2 * C, 2 * C, 2, rng);
    mid = make_block(2 * C, Cc, rng);
    up2 = make_conv(2 * C, 8 * C, 1, rng);
    merge2 = make_conv(4 * C, 2 * C, 1, rng);
    block3 = make_block(2 * C, Cc, rng);
    up1 = make_conv(2 * C, 4 * C, 1, rng);
    merge1 = make_conv(2 * C, C, 1, rng);
    block4 = make_block(C, Cc, rng);
    conv_out = make_conv(C, Ci, 1, rng, true);
}

Tensor DenoisingUNet::forward(const Tensor& x, const Tensor& steps, const Tensor& labels) {
    require_rank(kForward, "x", x, 4);
    const int N = x.dim(0), C = config.channels;
    require_shape(kForward, "x", x, {N, config.image_channels, -1, -1});
    if (x.dim(2) % 4 != 0 || x.dim(3) % 4 != 0)
        throw ShapeError(std::string(kForward) + ": the image's height and width must be multiples of 4, got " +
                         to_string(x.shape()));
    require_label(labels, N, config.classes);
    // the conditioning: c = time_embedding(step) + class_table[label], (N, 2C)
    cond_ = time_embedding_forward(steps, config.total_steps, time);
    for (int n = 0; n < N; ++n)
        for (int j = 0; j < 2 * C; ++j) cond_(n, j) += class_table(static_cast<int>(labels[n]), j);
    steps_ = steps, labels_ = labels, x_ = x;
    // down
    block1_out_ = block_forward(block1, conv(conv_in, x), cond_, block1_cache_);
    block2_out_ = block_forward(block2, conv(down1, block1_out_), cond_, block2_cache_);
    mid_out_ = block_forward(mid, conv(down2, block2_out_), cond_, mid_cache_);
    // up, with the skip connections
    concat2_ = concat_channels(pixel_shuffle(conv(up2, mid_out_), 2), block2_out_);
    block3_out_ = block_forward(block3, conv(merge2, concat2_), cond_, block3_cache_);
    concat1_ = concat_channels(pixel_shuffle(conv(up1, block3_out_), 2), block1_out_);
    block4_out_ = block_forward(block4, conv(merge1, concat1_), cond_, block4_cache_);
    out_activation_ = silu(block4_out_);
    return conv(conv_out, out_activation_);
}

void DenoisingUNet::backward(const Tensor& dout) {
    const int C = config.channels;
    Tensor dcond(cond_.shape());
    // up, in reverse
    Tensor d = silu_backward(conv_backward(conv_out, dout, out_activation_), block4_out_);
    d = conv_backward(merge1, block_backward(block4, d, cond_, block4_cache_, dcond), concat1_);
    auto [dup1, dskip1] = split_channels(d, C);
    Tensor dblock3 = conv_backward(up1, pixel_shuffle_backward(dup1, 2), block3_out_);
    d = conv_backward(merge2, block_backward(block3, dblock3, cond_, block3_cache_, dcond), concat2_);
    auto [dup2, dskip2] = split_channels(d, 2 * C);
    Tensor dmid = conv_backward(up2, pixel_shuffle_backward(dup2, 2), mid_out_);
    // down, in reverse, each level's gradient plus its skip connection's
    Tensor dblock2 = conv_backward(down2, block_backward(mid, dmid, cond_, mid_cache_, dcond), block2_out_);
    add_into(dblock2, dskip2);
    Tensor dblock1 = conv_backward(down1, block_backward(block2, dblock2, cond_, block2_cache_, dcond), block1_out_);
    add_into(dblock1, dskip1);
    conv_backward(conv_in, block_backward(block1, dblock1, cond_, block1_cache_, dcond), x_, false);
    // the conditioning: the class rows, and the time MLP
    class_table_grad.fill(0.0f);
    for (int n = 0; n < dcond.dim(0); ++n)
        for (int j = 0; j < 2 * C; ++j) class_table_grad(static_cast<int>(labels_[n]), j) += dcond(n, j);
    time_grads = time_embedding_backward(dcond, steps_, config.total_steps, time);
}

double DenoisingUNet::training_step_conv_flops(int N, int H, int W) const {
    // the output pixels of a convolution at full, half and quarter resolution
    const double full = static_cast<double>(N) * H * W, half = full / 4, quarter = full / 16;
    // a forward costs 2 F C 3 3 per output pixel: 2 per weight
    const auto forward = [](const UNetConv& c, double pixels) { return 2.0 * static_cast<double>(c.w.size()) * pixels; };
    const auto block = [&](const UNetResBlock& b, double pixels) { return forward(b.conv1, pixels) + forward(b.conv2, pixels); };
    const double all = forward(conv_in, full) + block(block1, full) + forward(down1, half) + block(block2, half) +
                       forward(down2, quarter) + block(mid, quarter) + forward(up2, quarter) + forward(merge2, half) +
                       block(block3, half) + forward(up1, half) + forward(merge1, full) + block(block4, full) +
                       forward(conv_out, full);
    // the backward's dW = dO X^T costs as much as the forward, and so does its dX = W^T dO, which conv_in skips
    return 3.0 * all - forward(conv_in, full);
}

std::vector<Param> DenoisingUNet::params() {
    std::vector<Param> all{{"time.w1", &time.w1, &time_grads.dw1}, {"time.b1", &time.b1, &time_grads.db1},
                           {"time.w2", &time.w2, &time_grads.dw2}, {"time.b2", &time.b2, &time_grads.db2},
                           {"class_table", &class_table, &class_table_grad}};
    const auto add_conv = [&](const std::string& name, UNetConv& c) {
        all.push_back({name + ".w", &c.w, &c.dw});
        all.push_back({name + ".b", &c.b, &c.db});
    };
    const auto add_block = [&](const std::string& name, UNetResBlock& b) {
        add_conv(name + ".conv1", b.conv1);
        add_conv(name + ".conv2", b.conv2);
        all.push_back({name + ".p", &b.p, &b.dp});
        all.push_back({name + ".pb", &b.pb, &b.dpb});
    };
    add_conv("conv_in", conv_in);
    add_block("block1", block1);
    add_conv("down1", down1);
    add_block("block2", block2);
    add_conv("down2", down2);
    add_block("mid", mid);
    add_conv("up2", up2);
    add_conv("merge2", merge2);
    add_block("block3", block3);
    add_conv("up1", up1);
    add_conv("merge1", merge1);
    add_block("block4", block4);
    add_conv("conv_out", conv_out);
    return all;
}

}  // namespace wb
