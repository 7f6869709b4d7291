// Reference: a LoRA-adapted linear layer, forward, backward (no gradient into W) and merge.
#include "chapters/09_transformer/lora.hpp"

#include <string>

#include "framework/linalg.hpp"

namespace wb {
namespace {

/// Checks the three weights against each other (and x's width when given); returns r.
int rank_of(const char* op, const LoraWeights& w) {
    require_rank(op, "w", w.w, 2);
    require_rank(op, "a", w.a, 2);
    const int out = w.w.dim(0), in = w.w.dim(1), r = w.a.dim(0);
    require_shape(op, "a", w.a, {r, in});
    require_shape(op, "b", w.b, {out, r});
    if (r < 1) throw ShapeError(std::string(op) + ": the rank r (rows of a) must be >= 1");
    return r;
}

}  // namespace

Tensor lora_forward(const Tensor& x, const LoraWeights& w) {
    const int r = rank_of("lora_forward", w);
    const int out = w.w.dim(0), in = w.w.dim(1);
    require_shape("lora_forward", "x", x, {-1, in});
    const int N = x.dim(0);
    const float scale = w.alpha / r;
    // y = x W^T + (alpha / r) (x A^T) B^T
    Tensor h({N, r}), y({N, out});
    gemm(false, true, N, out, in, 1.0f, x.data(), w.w.data(), 0.0f, y.data());
    gemm(false, true, N, r, in, 1.0f, x.data(), w.a.data(), 0.0f, h.data());
    gemm(false, true, N, out, r, scale, h.data(), w.b.data(), 1.0f, y.data());
    return y;
}

LoraGrads lora_backward(const Tensor& dout, const Tensor& x, const LoraWeights& w) {
    const int r = rank_of("lora_backward", w);
    const int out = w.w.dim(0), in = w.w.dim(1);
    require_shape("lora_backward", "x", x, {-1, in});
    const int N = x.dim(0);
    require_shape("lora_backward", "dout", dout, {N, out});
    const float scale = w.alpha / r;
    Tensor h({N, r}), dh({N, r});
    gemm(false, true, N, r, in, 1.0f, x.data(), w.a.data(), 0.0f, h.data());
    LoraGrads g{Tensor({N, in}), Tensor({r, in}), Tensor({out, r})};
    // dB = s dout^T h (out, r); dh = dout B (N, r); dA = s dh^T x (r, in); dx = dout W + s dh A
    gemm(true, false, out, r, N, scale, dout.data(), h.data(), 0.0f, g.db.data());
    gemm(false, false, N, r, out, 1.0f, dout.data(), w.b.data(), 0.0f, dh.data());
    gemm(true, false, r, in, N, scale, dh.data(), x.data(), 0.0f, g.da.data());
    gemm(false, false, N, in, out, 1.0f, dout.data(), w.w.data(), 0.0f, g.dx.data());
    gemm(false, false, N, in, r, scale, dh.data(), w.a.data(), 1.0f, g.dx.data());
    return g;
}

Tensor lora_merge(const LoraWeights& w) {
    const int r = rank_of("lora_merge", w);
    const int out = w.w.dim(0), in = w.w.dim(1);
    // W + (alpha / r) B A
    Tensor merged = w.w;
    gemm(false, false, out, in, r, w.alpha / r, w.b.data(), w.a.data(), 1.0f, merged.data());
    return merged;
}

}  // namespace wb
