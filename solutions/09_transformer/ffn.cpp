// Reference: the SwiGLU feed-forward block and the tanh-approximate GELU.
#include "chapters/09_transformer/ffn.hpp"

#include <cmath>
#include <string>

#include "framework/elementwise.hpp"
#include "framework/linalg.hpp"
#include "framework/parallel.hpp"

namespace wb {
namespace {

/// Checks x (N, D) against the three weights; returns F.
int hidden_size(const char* op, const Tensor& x, const SwiGluWeights& w) {
    require_rank(op, "x", x, 2);
    const int D = x.dim(1);
    require_rank(op, "w_gate", w.w_gate, 2);
    const int F = w.w_gate.dim(0);
    require_shape(op, "w_gate", w.w_gate, {F, D});
    require_shape(op, "w_up", w.w_up, {F, D});
    require_shape(op, "w_down", w.w_down, {D, F});
    return F;
}

constexpr float kGeluScale = 0.7978845608028654f;  // sqrt(2 / pi)
constexpr float kGeluCubic = 0.044715f;

}  // namespace

Tensor swiglu_forward(const Tensor& x, const SwiGluWeights& w) {
    const int F = hidden_size("swiglu_forward", x, w);
    const int N = x.dim(0), D = x.dim(1);
    // a = x W_gate^T, u = x W_up^T (N, F); h = silu(a) * u; y = h W_down^T (N, D)
    Tensor a = Tensor::uninitialized({N, F}), u = Tensor::uninitialized({N, F}), y = Tensor::uninitialized({N, D});
    gemm(false, true, N, F, D, 1.0f, x.data(), w.w_gate.data(), 0.0f, a.data());
    gemm(false, true, N, F, D, 1.0f, x.data(), w.w_up.data(), 0.0f, u.data());
    Tensor h = Tensor::uninitialized({N, F});
    // element by element, in ranges over the threads; sigma(a) a whole range at a time (vectorised)
    parallel_for(N * F, 16.0, [&](int begin, int end) {
        sigmoid_array(a.data() + begin, h.data() + begin, end - begin);
        for (int i = begin; i < end; ++i) h[i] = a[i] * h[i] * u[i];
    });
    gemm(false, true, N, D, F, 1.0f, h.data(), w.w_down.data(), 0.0f, y.data());
    return y;
}

SwiGluGrads swiglu_backward(const Tensor& dout, const Tensor& x, const SwiGluWeights& w) {
    const int F = hidden_size("swiglu_backward", x, w);
    const int N = x.dim(0), D = x.dim(1);
    require_shape("swiglu_backward", "dout", dout, {N, D});
    // recompute the forward's a, u, sigma(a) and h from x (the signature keeps no cache)
    Tensor a = Tensor::uninitialized({N, F}), u = Tensor::uninitialized({N, F});
    gemm(false, true, N, F, D, 1.0f, x.data(), w.w_gate.data(), 0.0f, a.data());
    gemm(false, true, N, F, D, 1.0f, x.data(), w.w_up.data(), 0.0f, u.data());
    Tensor s = Tensor::uninitialized({N, F}), h = Tensor::uninitialized({N, F});
    parallel_for(N * F, 16.0, [&](int begin, int end) {
        sigmoid_array(a.data() + begin, s.data() + begin, end - begin);
        for (int i = begin; i < end; ++i) h[i] = a[i] * s[i] * u[i];
    });
    Tensor dh = Tensor::uninitialized({N, F}), da = Tensor::uninitialized({N, F}), du = Tensor::uninitialized({N, F});
    SwiGluGrads g{Tensor::uninitialized({N, D}), Tensor::uninitialized({F, D}), Tensor::uninitialized({F, D}),
                  Tensor::uninitialized({D, F})};
    // dh = dout W_down (N, F); dW_down = dout^T h (D, F)
    gemm(false, false, N, F, D, 1.0f, dout.data(), w.w_down.data(), 0.0f, dh.data());
    gemm(true, false, D, F, N, 1.0f, dout.data(), h.data(), 0.0f, g.dw_down.data());
    // du = dh * silu(a); da = dh * u * silu'(a), silu'(a) = sigma(a) (1 + a (1 - sigma(a)))
    parallel_for(N * F, 8.0, [&](int begin, int end) {
        for (int i = begin; i < end; ++i) {
            du[i] = dh[i] * a[i] * s[i];
            da[i] = dh[i] * u[i] * s[i] * (1.0f + a[i] * (1.0f - s[i]));
        }
    });
    // dW_gate = da^T x, dW_up = du^T x (F, D); dx = da W_gate + du W_up (N, D)
    gemm(true, false, F, D, N, 1.0f, da.data(), x.data(), 0.0f, g.dw_gate.data());
    gemm(true, false, F, D, N, 1.0f, du.data(), x.data(), 0.0f, g.dw_up.data());
    gemm(false, false, N, D, F, 1.0f, da.data(), w.w_gate.data(), 0.0f, g.dx.data());
    gemm(false, false, N, D, F, 1.0f, du.data(), w.w_up.data(), 1.0f, g.dx.data());
    return g;
}

Tensor gelu_tanh_forward(const Tensor& x) {
    Tensor y(x.shape());
    // y = x/2 (1 + tanh(k (x + 0.044715 x^3))), k = sqrt(2/pi)
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float v = x[i];
        y[i] = 0.5f * v * (1.0f + std::tanh(kGeluScale * (v + kGeluCubic * v * v * v)));
    }
    return y;
}

Tensor gelu_tanh_backward(const Tensor& dout, const Tensor& x) {
    if (dout.shape() != x.shape()) shape_mismatch("gelu_tanh_backward", "dout", dout, "x", x, "dout must have x's shape");
    Tensor dx(x.shape());
    // d/dx = (1 + t)/2 + x/2 (1 - t^2) k (1 + 3 * 0.044715 x^2)
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float v = x[i];
        const float t = std::tanh(kGeluScale * (v + kGeluCubic * v * v * v));
        const float slope = 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * kGeluScale * (1.0f + 3.0f * kGeluCubic * v * v);
        dx[i] = dout[i] * slope;
    }
    return dx;
}

}  // namespace wb
