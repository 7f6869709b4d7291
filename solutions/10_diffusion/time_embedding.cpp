// Reference: the time embedding, chapter 01's sinusoidal encoding of each step through a SiLU MLP, and its backward.
#include "chapters/10_diffusion/time_embedding.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "chapters/01_attention/positional.hpp"
#include "framework/linalg.hpp"

namespace wb {
namespace {

/// The encodings of the steps: row n of sinusoidal_positions(T, E) at position steps[n], (N, E).
Tensor encode_steps(const char* op, const Tensor& steps, int total_steps, const TimeMlp& mlp) {
    require_rank(op, "steps", steps, 1);
    require_rank(op, "w1", mlp.w1, 2);
    const int H = mlp.w1.dim(0), E = mlp.w1.dim(1);
    require_shape(op, "b1", mlp.b1, {H});
    require_rank(op, "w2", mlp.w2, 2);
    require_shape(op, "w2", mlp.w2, {mlp.w2.dim(0), H});
    require_shape(op, "b2", mlp.b2, {mlp.w2.dim(0)});
    if (E % 2 != 0 || total_steps < 1)
        throw ShapeError(std::string(op) + ": E = " + std::to_string(E) + " must be even and T = " +
                         std::to_string(total_steps) + " positive");
    const Tensor table = sinusoidal_positions(total_steps, E);  // (T, E)
    const int N = steps.dim(0);
    Tensor e({N, E});
    for (int n = 0; n < N; ++n) {
        const float t = steps[n];
        if (!(t >= 0.0f && t < static_cast<float>(total_steps)) || t != std::floor(t))
            throw ShapeError(std::string(op) + ": step " + std::to_string(t) + " is not an integer in [0, " +
                             std::to_string(total_steps) + ")");
        for (int i = 0; i < E; ++i) e(n, i) = table(static_cast<int>(t), i);
    }
    return e;
}

float sigmoid(float a) { return 1.0f / (1.0f + std::exp(-a)); }

}  // namespace

Tensor time_embedding_forward(const Tensor& steps, int total_steps, const TimeMlp& mlp) {
    const Tensor e = encode_steps("time_embedding_forward", steps, total_steps, mlp);
    const int N = e.dim(0), H = mlp.w1.dim(0), E = mlp.w1.dim(1), D = mlp.w2.dim(0);
    // a = e W1^T + b1;  h = a sigmoid(a);  y = h W2^T + b2
    Tensor a({N, H}), y({N, D});
    gemm(false, true, N, H, E, 1.0f, e.data(), mlp.w1.data(), 0.0f, a.data());
    Tensor h({N, H});
    for (int n = 0; n < N; ++n)
        for (int j = 0; j < H; ++j) {
            const float pre = a(n, j) + mlp.b1[j];
            h(n, j) = pre * sigmoid(pre);
        }
    gemm(false, true, N, D, H, 1.0f, h.data(), mlp.w2.data(), 0.0f, y.data());
    for (int n = 0; n < N; ++n)
        for (int d = 0; d < D; ++d) y(n, d) += mlp.b2[d];
    return y;
}

TimeMlpGrads time_embedding_backward(const Tensor& dout, const Tensor& steps, int total_steps, const TimeMlp& mlp) {
    const char* op = "time_embedding_backward";
    const Tensor e = encode_steps(op, steps, total_steps, mlp);
    const int N = e.dim(0), H = mlp.w1.dim(0), E = mlp.w1.dim(1), D = mlp.w2.dim(0);
    require_shape(op, "dout", dout, {N, D});
    // recompute a (with b1) and h
    Tensor a({N, H}), h({N, H});
    gemm(false, true, N, H, E, 1.0f, e.data(), mlp.w1.data(), 0.0f, a.data());
    for (int n = 0; n < N; ++n)
        for (int j = 0; j < H; ++j) {
            a(n, j) += mlp.b1[j];
            h(n, j) = a(n, j) * sigmoid(a(n, j));
        }
    TimeMlpGrads g{Tensor({H, E}), Tensor({H}), Tensor({D, H}), Tensor({D})};
    // dW2 = dout^T h, db2 = sum_n dout;  dh = dout W2
    gemm(true, false, D, H, N, 1.0f, dout.data(), h.data(), 0.0f, g.dw2.data());
    for (int n = 0; n < N; ++n)
        for (int d = 0; d < D; ++d) g.db2[d] += dout(n, d);
    Tensor da({N, H});
    gemm(false, false, N, H, D, 1.0f, dout.data(), mlp.w2.data(), 0.0f, da.data());
    // da = dh * SiLU'(a), SiLU'(a) = sigmoid(a) (1 + a (1 - sigmoid(a)))
    for (int n = 0; n < N; ++n)
        for (int j = 0; j < H; ++j) {
            const float s = sigmoid(a(n, j));
            da(n, j) *= s * (1.0f + a(n, j) * (1.0f - s));
        }
    // dW1 = da^T e, db1 = sum_n da
    gemm(true, false, H, E, N, 1.0f, da.data(), e.data(), 0.0f, g.dw1.data());
    for (int n = 0; n < N; ++n)
        for (int j = 0; j < H; ++j) g.db1[j] += da(n, j);
    return g;
}

}  // namespace wb
