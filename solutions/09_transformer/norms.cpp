// Reference: LayerNorm and RMSNorm over the last axis, forward and backward.
#include "chapters/09_transformer/norms.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "framework/parallel.hpp"

namespace wb {
namespace {

/// Checks x (..., D) against a (D) parameter; returns D.
int features(const char* op, const Tensor& x, const Tensor& param, const char* name) {
    if (x.empty() || x.rank() < 1) throw ShapeError(std::string(op) + ": x is empty");
    const int D = x.dim(-1);
    if (param.rank() != 1 || param.dim(0) != D) shape_mismatch(op, "x", x, name, param, std::string(name) + " must be (D), D = x's last size");
    return D;
}

}  // namespace

Tensor layer_norm_forward(const Tensor& x, const Tensor& gain, const Tensor& bias, float eps) {
    const int D = features("layer_norm_forward", x, gain, "gain");
    features("layer_norm_forward", x, bias, "bias");
    const std::size_t rows = x.size() / D;
    Tensor y(x.shape());
    for (std::size_t r = 0; r < rows; ++r) {
        const float* in = x.data() + r * D;
        float* out = y.data() + r * D;
        // mu = mean(x), var = mean((x - mu)^2) (biased), xhat = (x - mu) / sqrt(var + eps); in double: a row's
        // sum of squares loses digits in float when |mu| is large against the spread
        double mean = 0, var = 0;
        for (int i = 0; i < D; ++i) mean += in[i];
        mean /= D;
        for (int i = 0; i < D; ++i) var += (in[i] - mean) * (in[i] - mean);
        var /= D;
        const double rstd = 1.0 / std::sqrt(var + eps);
        for (int i = 0; i < D; ++i) out[i] = static_cast<float>((in[i] - mean) * rstd) * gain[i] + bias[i];
    }
    return y;
}

NormGrads layer_norm_backward(const Tensor& dout, const Tensor& x, const Tensor& gain, float eps) {
    const int D = features("layer_norm_backward", x, gain, "gain");
    if (dout.shape() != x.shape()) shape_mismatch("layer_norm_backward", "dout", dout, "x", x, "dout must have x's shape");
    const std::size_t rows = x.size() / D;
    NormGrads g{Tensor(x.shape()), Tensor({D}), Tensor({D})};
    std::vector<double> xhat(D), delta(D);
    for (std::size_t r = 0; r < rows; ++r) {
        const float* in = x.data() + r * D;
        const float* dy = dout.data() + r * D;
        double mean = 0, var = 0;
        for (int i = 0; i < D; ++i) mean += in[i];
        mean /= D;
        for (int i = 0; i < D; ++i) var += (in[i] - mean) * (in[i] - mean);
        var /= D;
        const double rstd = 1.0 / std::sqrt(var + eps);
        // delta = g * dy; dx = rstd * (delta - mean(delta) - xhat * mean(delta * xhat))
        double mean_delta = 0, mean_delta_xhat = 0;
        for (int i = 0; i < D; ++i) {
            xhat[i] = (in[i] - mean) * rstd;
            delta[i] = static_cast<double>(gain[i]) * dy[i];
            mean_delta += delta[i];
            mean_delta_xhat += delta[i] * xhat[i];
            g.dgain[i] += static_cast<float>(dy[i] * xhat[i]);
            g.dbias[i] += dy[i];
        }
        mean_delta /= D;
        mean_delta_xhat /= D;
        float* dx = g.dx.data() + r * D;
        for (int i = 0; i < D; ++i) dx[i] = static_cast<float>(rstd * (delta[i] - mean_delta - xhat[i] * mean_delta_xhat));
    }
    return g;
}

Tensor rms_norm_forward(const Tensor& x, const Tensor& gain, float eps) {
    const int D = features("rms_norm_forward", x, gain, "gain");
    const int rows = static_cast<int>(x.size() / D);
    Tensor y = Tensor::uninitialized(x.shape());
    // rows are independent: split over the threads
    parallel_for(rows, 3.0 * D, [&](int begin, int end) {
        for (int r = begin; r < end; ++r) {
            const float* in = x.data() + static_cast<std::size_t>(r) * D;
            float* out = y.data() + static_cast<std::size_t>(r) * D;
            // r = 1 / sqrt(mean(x^2) + eps); y = g * x * r
            double mean_square = 0;
            for (int i = 0; i < D; ++i) mean_square += static_cast<double>(in[i]) * in[i];
            mean_square /= D;
            const double rms_inv = 1.0 / std::sqrt(mean_square + eps);
            for (int i = 0; i < D; ++i) out[i] = static_cast<float>(in[i] * rms_inv) * gain[i];
        }
    });
    return y;
}

NormGrads rms_norm_backward(const Tensor& dout, const Tensor& x, const Tensor& gain, float eps) {
    const int D = features("rms_norm_backward", x, gain, "gain");
    if (dout.shape() != x.shape()) shape_mismatch("rms_norm_backward", "dout", dout, "x", x, "dout must have x's shape");
    const int rows = static_cast<int>(x.size() / D);
    NormGrads g{Tensor::uninitialized(x.shape()), Tensor({D}), Tensor()};
    // rows split over the threads; each chunk sums its rows' dgain, the chunks added in a fixed order
    parallel_accumulate(rows, static_cast<std::size_t>(D), g.dgain.data(), [&](int begin, int end, float* dgain) {
        for (int r = begin; r < end; ++r) {
            const float* in = x.data() + static_cast<std::size_t>(r) * D;
            const float* dy = dout.data() + static_cast<std::size_t>(r) * D;
            double mean_square = 0;
            for (int i = 0; i < D; ++i) mean_square += static_cast<double>(in[i]) * in[i];
            mean_square /= D;
            const double rms_inv = 1.0 / std::sqrt(mean_square + eps);
            // delta = g * dy; dx = r * delta - x * r^3 * mean(delta * x)
            double mean_delta_x = 0;
            for (int i = 0; i < D; ++i) {
                mean_delta_x += static_cast<double>(gain[i]) * dy[i] * in[i];
                dgain[i] += static_cast<float>(dy[i] * in[i] * rms_inv);
            }
            mean_delta_x /= D;
            float* dx = g.dx.data() + static_cast<std::size_t>(r) * D;
            for (int i = 0; i < D; ++i)
                dx[i] = static_cast<float>(rms_inv * gain[i] * dy[i] - in[i] * rms_inv * rms_inv * rms_inv * mean_delta_x);
        }
    });
    return g;
}

}  // namespace wb
