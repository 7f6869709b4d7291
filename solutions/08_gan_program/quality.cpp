// Reference: the Fréchet distance between two feature sets, and the class shares of a batch of logits.
#include "chapters/08_gan_program/quality.hpp"

#include <cmath>
#include <vector>

#include "framework/linalg.hpp"

namespace wb {

namespace {

// The mean (F) and the unbiased covariance (F, F) of the rows of x (N, F), in double.
void mean_and_covariance(const Tensor& x, std::vector<double>& mean, std::vector<double>& cov) {
    const int N = x.dim(0), F = x.dim(1);
    mean.assign(F, 0.0);
    cov.assign(static_cast<std::size_t>(F) * F, 0.0);
    for (int n = 0; n < N; ++n)
        for (int i = 0; i < F; ++i) mean[i] += x(n, i) / static_cast<double>(N);
    // cov[i, j] = sum_n (x[n, i] - mean[i]) (x[n, j] - mean[j]) / (N - 1)
    for (int n = 0; n < N; ++n)
        for (int i = 0; i < F; ++i)
            for (int j = 0; j < F; ++j) cov[i * F + j] += (x(n, i) - mean[i]) * (x(n, j) - mean[j]) / (N - 1);
}

}  // namespace

double frechet_distance(const Tensor& a, const Tensor& b) {
    require_rank("frechet_distance", "a", a, 2);
    require_rank("frechet_distance", "b", b, 2);
    if (a.dim(1) != b.dim(1) || a.dim(0) < 2 || b.dim(0) < 2)
        shape_mismatch("frechet_distance", "a", a, "b", b, "need the same feature size and at least 2 rows each");
    const int F = a.dim(1);
    std::vector<double> mean_a, cov_a, mean_b, cov_b;
    mean_and_covariance(a, mean_a, cov_a);
    mean_and_covariance(b, mean_b, cov_b);

    // |mu_a - mu_b|^2
    double distance = 0.0;
    for (int i = 0; i < F; ++i) distance += (mean_a[i] - mean_b[i]) * (mean_a[i] - mean_b[i]);
    // Tr(S_a + S_b - 2 (S_a^1/2 S_b S_a^1/2)^1/2)
    const std::vector<double> root_a = symmetric_sqrt(cov_a, F);
    std::vector<double> product(static_cast<std::size_t>(F) * F, 0.0), inner(product.size(), 0.0);
    for (int i = 0; i < F; ++i)  // product = S_a^1/2 S_b
        for (int k = 0; k < F; ++k)
            for (int j = 0; j < F; ++j) product[i * F + j] += root_a[i * F + k] * cov_b[k * F + j];
    for (int i = 0; i < F; ++i)  // inner = product S_a^1/2
        for (int k = 0; k < F; ++k)
            for (int j = 0; j < F; ++j) inner[i * F + j] += product[i * F + k] * root_a[k * F + j];
    const std::vector<double> cross = symmetric_sqrt(inner, F);
    for (int i = 0; i < F; ++i) distance += cov_a[i * F + i] + cov_b[i * F + i] - 2.0 * cross[i * F + i];
    return distance;
}

std::vector<double> class_shares(const Tensor& logits) {
    require_rank("class_shares", "logits", logits, 2);
    const int N = logits.dim(0), K = logits.dim(1);
    if (N < 1 || K < 1) throw ShapeError("class_shares: logits " + to_string(logits.shape()) + " must be (N, K) with N, K >= 1");
    std::vector<double> shares(static_cast<std::size_t>(K), 0.0);
    for (int n = 0; n < N; ++n) {
        int best = 0;  // the first largest logit
        for (int k = 1; k < K; ++k)
            if (logits(n, k) > logits(n, best)) best = k;
        shares[best] += 1.0 / N;
    }
    return shares;
}

}  // namespace wb
