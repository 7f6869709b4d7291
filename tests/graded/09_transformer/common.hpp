// Helpers shared by the chapter 09 graded tests: computed here, never with the learner's code, so that each
// test checks one exercise.
#pragma once
#include <cmath>
#include <vector>

#include "framework/tensor.hpp"

namespace transformer_test {

/// Half-split RoPE on (B, H, T, Dh) at positions start .. start + T - 1, in double: the test's own rotation, so
/// that the KV cache tests do not depend on the learner's rope_forward.
inline wb::Tensor rotate_by_position(const wb::Tensor& x, int start) {
    const int B = x.dim(0), H = x.dim(1), T = x.dim(2), Dh = x.dim(3), half = Dh / 2;
    wb::Tensor y(x.shape());
    for (int b = 0; b < B; ++b)
        for (int h = 0; h < H; ++h)
            for (int t = 0; t < T; ++t)
                for (int i = 0; i < half; ++i) {
                    const double angle = (start + t) * std::pow(10000.0, -2.0 * i / Dh);
                    const double first = x(b, h, t, i), second = x(b, h, t, i + half);
                    y(b, h, t, i) = static_cast<float>(first * std::cos(angle) - second * std::sin(angle));
                    y(b, h, t, i + half) = static_cast<float>(first * std::sin(angle) + second * std::cos(angle));
                }
    return y;
}

/// Positions [begin, end) of dim 2 of a (B, H, T, Dh) tensor.
inline wb::Tensor positions(const wb::Tensor& x, int begin, int end) {
    wb::Tensor out({x.dim(0), x.dim(1), end - begin, x.dim(3)});
    for (int b = 0; b < x.dim(0); ++b)
        for (int h = 0; h < x.dim(1); ++h)
            for (int t = begin; t < end; ++t)
                for (int d = 0; d < x.dim(3); ++d) out(b, h, t - begin, d) = x(b, h, t, d);
    return out;
}

/// The dot product of rows t1 and t2 of two (1, 1, T, Dh) tensors, in double.
inline double row_dot(const wb::Tensor& a, int t1, const wb::Tensor& b, int t2) {
    double s = 0;
    for (int d = 0; d < a.dim(3); ++d) s += static_cast<double>(a(0, 0, t1, d)) * b(0, 0, t2, d);
    return s;
}

/// A (1, 1, T, Dh) tensor whose every row is `row`: one vector at every position.
inline wb::Tensor same_row_everywhere(const std::vector<float>& row, int T) {
    const int Dh = static_cast<int>(row.size());
    wb::Tensor x({1, 1, T, Dh});
    for (int t = 0; t < T; ++t)
        for (int d = 0; d < Dh; ++d) x(0, 0, t, d) = row[d];
    return x;
}

/// x W^T for x (N, in) and W (out, in), in double: a plain linear layer computed by the test.
inline wb::Tensor times_transposed(const wb::Tensor& x, const wb::Tensor& w) {
    wb::Tensor y({x.dim(0), w.dim(0)});
    for (int n = 0; n < x.dim(0); ++n)
        for (int o = 0; o < w.dim(0); ++o) {
            double s = 0;
            for (int i = 0; i < x.dim(1); ++i) s += static_cast<double>(x(n, i)) * w(o, i);
            y(n, o) = static_cast<float>(s);
        }
    return y;
}

}  // namespace transformer_test
