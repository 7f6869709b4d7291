// Reference: the kernel MMD between generated and real images and its gradient, G's second step in ./wb run 08.
// The three tables of squared distances come from Gram matrices (one wb::gemm each) and the gradient from two
// more products: the step runs 937 times an epoch on 64 + 64 rows of 784 values.
#include "chapters/08_gan_program/mmd.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "framework/linalg.hpp"

namespace wb {

LossResult mmd_loss(const Tensor& samples, const Tensor& targets, const std::vector<float>& bandwidths) {
    if (samples.rank() < 1 || targets.rank() < 1 || samples.dim(0) < 2 || targets.dim(0) < 2 ||
        samples.size() / samples.dim(0) != targets.size() / targets.dim(0))
        shape_mismatch("mmd_loss", "samples", samples, "targets", targets,
                       "each needs at least 2 rows, and their rows the same number of values");
    if (bandwidths.empty() || *std::min_element(bandwidths.begin(), bandwidths.end()) <= 0)
        throw ShapeError("mmd_loss: every bandwidth must be positive, and there must be at least one");
    const int N = samples.dim(0), M = targets.dim(0), P = static_cast<int>(samples.size() / N);
    const float* S = samples.data();  // (N, P)
    const float* T = targets.data();  // (M, P)

    // Every dot product a.b from three Gram matrices, ss = S S^T (N, N), tt = T T^T (M, M), st = S T^T (N, M),
    // so that d2(a, b) = (|a|^2 + |b|^2 - 2 a.b) / P costs no pass over the P values per pair
    std::vector<float> ss(static_cast<std::size_t>(N) * N), tt(static_cast<std::size_t>(M) * M),
        st(static_cast<std::size_t>(N) * M);
    gemm(false, true, N, N, P, 1.0f, S, S, 0.0f, ss.data());
    gemm(false, true, M, M, P, 1.0f, T, T, 0.0f, tt.data());
    gemm(false, true, N, M, P, 1.0f, S, T, 0.0f, st.data());
    // (rounding can make the difference slightly negative for two equal rows: 0 then)
    const auto squared_distance = [P](float aa, float bb, float ab) { return std::max(aa + bb - 2 * ab, 0.0f) / P; };
    // k(d2) = sum_h exp(-d2 / h), and its slope dk/d(d2) = -sum_h exp(-d2 / h) / h
    struct KernelValue {
        float k, slope;
    };
    const auto kernel = [&bandwidths](float d2) {
        KernelValue v{0, 0};
        for (const float h : bandwidths) {
            const float e = std::exp(-d2 / h);
            v.k += e;
            v.slope -= e / h;
        }
        return v;
    };

    // MMD^2 = sum_{i != j} k(s_i, s_j) / (N (N - 1)) + sum_{i != j} k(t_i, t_j) / (M (M - 1))
    //         - 2 sum_{i, j} k(s_i, t_j) / (N M).
    // With d d2(s_i, u) / d s_i = 2 (s_i - u) / P, and each pair (i, j) of samples twice in the first sum:
    //   dMMD^2/ds_i = sum_{j != i} a_ij (s_i - s_j) + sum_j b_ij (s_i - t_j),
    //   a_ij = 4 slope(s_i, s_j) / (N (N - 1) P),   b_ij = -4 slope(s_i, t_j) / (N M P).
    LossResult r{0.0, Tensor(samples.shape())};
    // a's diagonal stays 0: a row is not compared with itself
    std::vector<float> a(static_cast<std::size_t>(N) * N, 0.0f), b(static_cast<std::size_t>(N) * M);
    std::vector<float> row_weight(static_cast<std::size_t>(N), 0.0f);  // sum_j a_ij + sum_j b_ij
    for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j) {
            if (i == j) continue;
            const KernelValue v = kernel(squared_distance(ss[i * N + i], ss[j * N + j], ss[i * N + j]));
            r.loss += v.k / (double(N) * (N - 1));
            a[i * N + j] = 4.0f * v.slope / (static_cast<float>(N) * (N - 1) * P);
            row_weight[i] += a[i * N + j];
        }
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < M; ++j)
            if (i != j) r.loss += kernel(squared_distance(tt[i * M + i], tt[j * M + j], tt[i * M + j])).k / (double(M) * (M - 1));
    for (int i = 0; i < N; ++i)
        for (int j = 0; j < M; ++j) {
            const KernelValue v = kernel(squared_distance(ss[i * N + i], tt[j * M + j], st[i * M + j]));
            r.loss -= 2.0 * v.k / (double(N) * M);
            b[i * M + j] = -4.0f * v.slope / (static_cast<float>(N) * M * P);
            row_weight[i] += b[i * M + j];
        }
    // grad = diag(row_weight) S - a S - b T: two products
    float* G = r.grad.data();
    for (int i = 0; i < N; ++i)
        for (int p = 0; p < P; ++p) G[i * P + p] = row_weight[i] * S[i * P + p];
    gemm(false, false, N, P, N, -1.0f, a.data(), S, 1.0f, G);
    gemm(false, false, N, P, M, -1.0f, b.data(), T, 1.0f, G);
    return r;
}

}  // namespace wb
