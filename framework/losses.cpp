#include "framework/losses.hpp"

#include <algorithm>
#include <cmath>

#include "framework/layers.hpp"
#include "framework/linalg.hpp"

namespace wb {

static void require_same(const char* op, const Tensor& pred, const Tensor& target) {
    if (pred.shape() != target.shape())
        shape_mismatch(op, "pred", pred, "target", target, "they must have the same shape");
}

LossResult mse_loss(const Tensor& pred, const Tensor& target) {
    require_same("mse_loss", pred, target);
    const double n = static_cast<double>(pred.size());
    LossResult r{0.0, Tensor(pred.shape())};
    for (std::size_t i = 0; i < pred.size(); ++i) {
        const double d = static_cast<double>(pred[i]) - target[i];
        r.loss += d * d;
        r.grad[i] = static_cast<float>(2.0 * d / n);
    }
    r.loss /= n;
    return r;
}

LossResult bce_with_logits_loss(const Tensor& logits, const Tensor& target) {
    require_same("bce_with_logits_loss", logits, target);
    const double n = static_cast<double>(logits.size());
    LossResult r{0.0, Tensor(logits.shape())};
    for (std::size_t i = 0; i < logits.size(); ++i) {
        const double z = logits[i], y = target[i];
        // log(1 + e^z) - z y, rewritten so e^(large) never appears
        r.loss += std::max(z, 0.0) - z * y + std::log1p(std::exp(-std::abs(z)));
        r.grad[i] = static_cast<float>((sigmoid(logits[i]) - y) / n);
    }
    r.loss /= n;
    return r;
}

LossResult bce_loss(const Tensor& probs, const Tensor& target) {
    require_same("bce_loss", probs, target);
    constexpr double kEps = 1e-7;  // Keras's backend epsilon
    const double n = static_cast<double>(probs.size());
    LossResult r{0.0, Tensor(probs.shape())};
    for (std::size_t i = 0; i < probs.size(); ++i) {
        const double p = std::clamp(static_cast<double>(probs[i]), kEps, 1.0 - kEps);
        const double y = target[i];
        r.loss += -(y * std::log(p) + (1.0 - y) * std::log(1.0 - p));
        // dl/dp = (p - y) / (p (1 - p)); zero where the clip is active, as in Keras
        const bool clipped = probs[i] < kEps || probs[i] > 1.0 - kEps;
        r.grad[i] = clipped ? 0.0f : static_cast<float>((p - y) / (p * (1.0 - p)) / n);
    }
    r.loss /= n;
    return r;
}

LossResult softmax_cross_entropy_loss(const Tensor& logits, const Tensor& labels) {
    require_rank("softmax_cross_entropy_loss", "logits", logits, 2);
    const int n = logits.dim(0), c = logits.dim(1);
    if (labels.shape() != Shape{n})
        shape_mismatch("softmax_cross_entropy_loss", "logits", logits, "labels", labels,
                       "labels must be (N) for logits (N, C)");
    LossResult r{0.0, Tensor(logits.shape())};
    for (int i = 0; i < n; ++i) {
        const int label = static_cast<int>(labels[static_cast<std::size_t>(i)]);
        if (label < 0 || label >= c)
            throw ShapeError("softmax_cross_entropy_loss: label " + std::to_string(label) +
                             " at row " + std::to_string(i) + " is outside [0, " +
                             std::to_string(c) + ")");
        const float* z = logits.data() + static_cast<std::size_t>(i) * c;
        float* g = r.grad.data() + static_cast<std::size_t>(i) * c;
        // logsumexp(z) = m + log(sum exp(z - m)), m = max(z)
        const float m = *std::max_element(z, z + c);
        double sum = 0.0;
        for (int j = 0; j < c; ++j) sum += std::exp(static_cast<double>(z[j] - m));
        r.loss += m + std::log(sum) - z[label];
        for (int j = 0; j < c; ++j)
            g[j] = static_cast<float>((std::exp(static_cast<double>(z[j] - m)) / sum -
                                       (j == label ? 1.0 : 0.0)) / n);
    }
    r.loss /= n;
    return r;
}

LossResult mmd_loss(const Tensor& samples, const Tensor& targets, const std::vector<float>& bandwidths) {
    if (samples.rank() < 1 || targets.rank() < 1 || samples.dim(0) < 2 || targets.dim(0) < 2 ||
        samples.size() / samples.dim(0) != targets.size() / targets.dim(0))
        shape_mismatch("mmd_loss", "samples", samples, "targets", targets,
                       "each needs at least 2 rows, and their rows the same number of values");
    if (bandwidths.empty() || *std::min_element(bandwidths.begin(), bandwidths.end()) <= 0)
        throw ShapeError("mmd_loss: every bandwidth must be positive, and there must be at least one");
    const int N = samples.dim(0), M = targets.dim(0), P = static_cast<int>(samples.size() / N);
    const float* S = samples.data();
    const float* T = targets.data();
    // |a - b|^2 = |a|^2 + |b|^2 - 2 a.b from the Gram matrices, one product each (rounding can make it -0)
    std::vector<float> ss(static_cast<std::size_t>(N) * N), tt(static_cast<std::size_t>(M) * M),
        st(static_cast<std::size_t>(N) * M);
    gemm(false, true, N, N, P, 1.0f, S, S, 0.0f, ss.data());
    gemm(false, true, M, M, P, 1.0f, T, T, 0.0f, tt.data());
    gemm(false, true, N, M, P, 1.0f, S, T, 0.0f, st.data());
    const auto squared_distance = [P](float aa, float bb, float ab) { return std::max(aa + bb - 2 * ab, 0.0f) / P; };
    // k(d2) and its slope dk/d(d2)
    const auto kernel = [&bandwidths](float d2, float& slope) {
        float k = 0;
        slope = 0;
        for (const float h : bandwidths) {
            const float e = std::exp(-d2 / h);
            k += e;
            slope -= e / h;
        }
        return k;
    };
    LossResult r{0.0, Tensor(samples.shape())};
    // d|s_i - u|^2/P / ds_i = 2 (s_i - u) / P, so dMMD^2/ds_i = sum_j a_ij (s_i - s_j) + sum_j b_ij (s_i - t_j) with
    // a_ij = 2 slope_ij 2 / (N (N - 1) P) (the pair (i, j) appears twice in the sum) and b_ij = -2 slope_ij 2 / (N M P)
    std::vector<float> a(static_cast<std::size_t>(N) * N, 0.0f), b(static_cast<std::size_t>(N) * M);
    std::vector<float> row_weight(static_cast<std::size_t>(N), 0.0f);
    float slope;
    for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j) {
            if (i == j) continue;
            r.loss += kernel(squared_distance(ss[i * N + i], ss[j * N + j], ss[i * N + j]), slope) / (double(N) * (N - 1));
            a[i * N + j] = 4.0f * slope / (static_cast<float>(N) * (N - 1) * P);
            row_weight[i] += a[i * N + j];
        }
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < M; ++j)
            if (i != j) r.loss += kernel(squared_distance(tt[i * M + i], tt[j * M + j], tt[i * M + j]), slope) / (double(M) * (M - 1));
    for (int i = 0; i < N; ++i)
        for (int j = 0; j < M; ++j) {
            r.loss -= 2.0 * kernel(squared_distance(ss[i * N + i], tt[j * M + j], st[i * M + j]), slope) / (double(N) * M);
            b[i * M + j] = -4.0f * slope / (static_cast<float>(N) * M * P);
            row_weight[i] += b[i * M + j];
        }
    // grad = diag(row_weight) S - A S - B T
    float* G = r.grad.data();
    for (int i = 0; i < N; ++i)
        for (int p = 0; p < P; ++p) G[i * P + p] = row_weight[i] * S[i * P + p];
    gemm(false, false, N, P, N, -1.0f, a.data(), S, 1.0f, G);
    gemm(false, false, N, P, M, -1.0f, b.data(), T, 1.0f, G);
    return r;
}

}  // namespace wb
