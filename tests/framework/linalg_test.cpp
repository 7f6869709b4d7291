// wb::gemm against a plain triple loop (in double) on every path: the skinny register-blocked kernels
// (small K for A B, A^T B with A read in place, small N for A B^T, A B^T through a copied B^T), Eigen's, and the edges of each block (rows not a multiple of 8,
// columns not a multiple of the vector width, K = 0), with alpha and beta.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "framework/errors.hpp"
#include "framework/layers.hpp"
#include "framework/linalg.hpp"
#include "framework/random.hpp"

using namespace wb;

namespace {

std::vector<float> random_values(std::size_t n, Rng& rng) {
    std::vector<float> v(n);
    for (float& x : v) x = rng.uniform(-1.0f, 1.0f);
    return v;
}

// C = alpha op(A) op(B) + beta C, entry by entry
std::vector<float> reference_gemm(bool ta, bool tb, int M, int N, int K, float alpha, const std::vector<float>& A,
                                  const std::vector<float>& B, float beta, std::vector<float> C) {
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
            double acc = 0.0;
            for (int k = 0; k < K; ++k) {
                const float a = ta ? A[static_cast<std::size_t>(k) * M + i] : A[static_cast<std::size_t>(i) * K + k];
                const float b = tb ? B[static_cast<std::size_t>(j) * K + k] : B[static_cast<std::size_t>(k) * N + j];
                acc += static_cast<double>(a) * b;
            }
            float& c = C[static_cast<std::size_t>(i) * N + j];
            c = static_cast<float>(alpha * acc + (beta == 0.0f ? 0.0 : static_cast<double>(beta) * c));
        }
    return C;
}

void expect_gemm_matches(bool ta, bool tb, int M, int N, int K, float alpha, float beta) {
    Rng rng(static_cast<std::uint64_t>(M * 7919 + N * 104729 + K * 31 + ta * 2 + tb));
    const std::vector<float> A = random_values(static_cast<std::size_t>(M) * K, rng);
    const std::vector<float> B = random_values(static_cast<std::size_t>(K) * N, rng);
    std::vector<float> C = random_values(static_cast<std::size_t>(M) * N, rng);
    if (beta == 0.0f) std::fill(C.begin(), C.end(), std::nanf(""));  // beta 0 must never read C
    const std::vector<float> expected = reference_gemm(ta, tb, M, N, K, alpha, A, B, beta, C);
    gemm(ta, tb, M, N, K, alpha, A.data(), B.data(), beta, C.data());
    for (std::size_t i = 0; i < C.size(); ++i)
        ASSERT_NEAR(C[i], expected[i], 1e-4f * (1.0f + std::abs(expected[i])))
            << "ta=" << ta << " tb=" << tb << " M=" << M << " N=" << N << " K=" << K << " alpha=" << alpha
            << " beta=" << beta << " at flat index " << i;
}

}  // namespace

TEST(Gemm, SmallInnerDimensionAllEdges) {  // the skinny A B kernel: K <= 640 and N >= 2 blocks of lanes
    for (int M : {1, 7, 8, 9, 17, 32})
        for (int N : {1, 5, 8, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 676})
            for (int K : {0, 1, 3, 9, 27})
                for (float beta : {0.0f, 1.0f, 0.5f}) expect_gemm_matches(false, false, M, N, K, 1.0f, beta);
    expect_gemm_matches(false, false, 32, 676, 640, 0.5f, 1.0f);
}

TEST(Gemm, SmallOuterDimensionAllEdges) {  // the skinny A B^T kernel: N <= 12 and K >= one register
    for (int M : {1, 3, 8, 32})
        for (int N : {1, 2, 7, 8, 9, 12})
            for (int K : {0, 1, 7, 8, 15, 16, 17, 33, 676})
                for (float beta : {0.0f, 1.0f, 0.5f}) expect_gemm_matches(false, true, M, N, K, 2.0f, beta);
}

TEST(Gemm, TransposedAInPlaceAllEdges) {  // the skinny kernel on A^T B: N >= 2 blocks of lanes, any K
    for (int M : {1, 7, 8, 9, 17})
        for (int N : {32, 33, 47, 48, 63, 64, 169})
            for (int K : {0, 1, 9, 300})
                for (float beta : {0.0f, 1.0f, 0.5f}) expect_gemm_matches(true, false, M, N, K, 1.5f, beta);
}

TEST(Gemm, WideTransposedBThroughACopyAllEdges) {  // A B^T as A (B^T): M >= 64, N >= 2 blocks of lanes, K <= 640
    for (int M : {63, 64, 65, 80})
        for (int N : {31, 32, 33, 114, 128})
            for (int K : {0, 1, 32, 640, 641})
                for (float beta : {0.0f, 1.0f, 0.5f}) expect_gemm_matches(false, true, M, N, K, 0.5f, beta);
}

TEST(Gemm, OffsetRowsReadBInPlaceAllEdges) {  // gemm_offset_rows: B's rows anywhere, overlapping, in any order
    for (int M : {1, 7, 8, 9, 17})
        for (int N : {1, 15, 16, 17, 31, 32, 33, 840})
            for (int K : {0, 1, 9, 144}) {
                Rng rng(static_cast<std::uint64_t>(M * 7919 + N * 104729 + K * 31));
                const std::vector<float> A = random_values(static_cast<std::size_t>(M) * K, rng);
                const std::vector<float> store = random_values(static_cast<std::size_t>(N) + 3 * K + 7, rng);
                std::vector<std::ptrdiff_t> rows(static_cast<std::size_t>(K));
                std::vector<float> B(static_cast<std::size_t>(K) * N);  // the same matrix, gathered row by row
                for (int k = 0; k < K; ++k) {
                    rows[static_cast<std::size_t>(k)] = (5 * k + 3) % (3 * K + 7);  // overlapping, out of order
                    std::copy_n(store.data() + rows[static_cast<std::size_t>(k)], N, B.data() + static_cast<std::size_t>(k) * N);
                }
                std::vector<float> C(static_cast<std::size_t>(M) * N, std::nanf(""));  // overwritten, never read
                const std::vector<float> expected = reference_gemm(false, false, M, N, K, 1.0f, A, B, 0.0f, C);
                gemm_offset_rows(M, N, K, A.data(), store.data(), rows.data(), C.data());
                for (std::size_t i = 0; i < C.size(); ++i)
                    ASSERT_NEAR(C[i], expected[i], 1e-4f * (1.0f + std::abs(expected[i])))
                        << "M=" << M << " N=" << N << " K=" << K << " at flat index " << i;
            }
}

TEST(Gemm, OffsetRowsOfAReadInPlaceAllEdges) {  // gemm_offset_rows_a: A's rows anywhere; beta 0 and 1
    for (int M : {1, 7, 8, 9, 144})
        for (int N : {1, 15, 16, 17, 32, 33})
            for (int K : {0, 1, 9, 840})
                for (float beta : {0.0f, 1.0f}) {
                    Rng rng(static_cast<std::uint64_t>(M * 7919 + N * 104729 + K * 31) + (beta != 0.0f));
                    const std::vector<float> store = random_values(static_cast<std::size_t>(K) + 3 * M + 7, rng);
                    const std::vector<float> B = random_values(static_cast<std::size_t>(K) * N, rng);
                    std::vector<std::ptrdiff_t> rows(static_cast<std::size_t>(M));
                    std::vector<float> A(static_cast<std::size_t>(M) * K);  // the same matrix, gathered row by row
                    for (int r = 0; r < M; ++r) {
                        rows[static_cast<std::size_t>(r)] = (5 * r + 3) % (3 * M + 7);  // overlapping, out of order
                        std::copy_n(store.data() + rows[static_cast<std::size_t>(r)], K, A.data() + static_cast<std::size_t>(r) * K);
                    }
                    std::vector<float> C = random_values(static_cast<std::size_t>(M) * N, rng);
                    if (beta == 0.0f) std::fill(C.begin(), C.end(), std::nanf(""));  // beta 0 must never read C
                    const std::vector<float> expected = reference_gemm(false, false, M, N, K, 1.0f, A, B, beta, C);
                    gemm_offset_rows_a(M, N, K, store.data(), rows.data(), B.data(), beta, C.data());
                    for (std::size_t i = 0; i < C.size(); ++i)
                        ASSERT_NEAR(C[i], expected[i], 1e-4f * (1.0f + std::abs(expected[i])))
                            << "M=" << M << " N=" << N << " K=" << K << " beta=" << beta << " at flat index " << i;
                }
}

TEST(Gemm, EigenPathsAndTransposes) {
    for (bool ta : {false, true})
        for (bool tb : {false, true})
            for (float beta : {0.0f, 1.0f, -0.5f}) {
                expect_gemm_matches(ta, tb, 13, 29, 700, 1.5f, beta);  // K above the skinny limit
                expect_gemm_matches(ta, tb, 20, 13, 40, 1.0f, beta);   // N above the NT limit
            }
}

// Products above the threading threshold are split by rows of C over the workers (framework/linalg.cpp):
// every transpose, rows that do not divide evenly, and the same bits on a second call.
TEST(Gemm, ThreadedProductsMatchAndRepeat) {
    for (bool ta : {false, true})
        for (bool tb : {false, true})
            for (float beta : {0.0f, 1.0f, 0.5f}) {
                expect_gemm_matches(ta, tb, 67, 130, 150, 1.0f, beta);
                expect_gemm_matches(ta, tb, 67, 130, 700, 1.0f, beta);  // Eigen's kernels on each thread's rows
            }
    const int M = 64, N = 512, K = 128;
    std::vector<float> A(static_cast<std::size_t>(M) * K), B(static_cast<std::size_t>(K) * N);
    for (std::size_t i = 0; i < A.size(); ++i) A[i] = std::sin(0.37f * static_cast<float>(i));
    for (std::size_t i = 0; i < B.size(); ++i) B[i] = std::cos(0.11f * static_cast<float>(i));
    std::vector<float> first(static_cast<std::size_t>(M) * N), second(first.size());
    gemm(false, true, M, N, K, 1.0f, A.data(), B.data(), 0.0f, first.data());
    gemm(false, true, M, N, K, 1.0f, A.data(), B.data(), 0.0f, second.data());
    EXPECT_EQ(first, second);
}

TEST(SymmetricSqrt, SquaresBackAndClipsRoundingNegatives) {
    // m = A A^T is symmetric positive semi-definite; its root R must be symmetric with R R = m
    const int n = 4;
    std::vector<double> a(n * n), m(n * n, 0.0);
    for (int i = 0; i < n * n; ++i) a[i] = std::sin(1.7 * i) + (i % 5 == 0 ? 2.0 : 0.0);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            for (int k = 0; k < n; ++k) m[i * n + j] += a[i * n + k] * a[j * n + k];
    const std::vector<double> r = symmetric_sqrt(m, n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            double rr = 0.0;
            for (int k = 0; k < n; ++k) rr += r[i * n + k] * r[k * n + j];
            EXPECT_NEAR(rr, m[i * n + j], 1e-9) << i << ", " << j;
            EXPECT_NEAR(r[i * n + j], r[j * n + i], 1e-12);
        }
    // a rank-1 matrix: rounding may leave tiny negative eigenvalues, which must not become NaN
    const std::vector<double> v{1.0, 2.0, 3.0};
    std::vector<double> rank1(9);
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) rank1[i * 3 + j] = v[i] * v[j];
    for (double x : symmetric_sqrt(rank1, 3)) EXPECT_TRUE(std::isfinite(x));
    EXPECT_THROW(symmetric_sqrt(std::vector<double>(5), 2), ShapeError);
}

TEST(Reshape, PerSampleShapeAndBack) {
    Reshape reshape(Shape{1, 2, 3});
    const Tensor y = reshape.forward(Tensor({4, 6}, 1.0f));
    EXPECT_EQ(y.shape(), (Shape{4, 1, 2, 3}));
    EXPECT_EQ(reshape.backward(Tensor({4, 1, 2, 3})).shape(), (Shape{4, 6}));
    EXPECT_EQ(reshape.output_shape({7, 6}), (Shape{7, 1, 2, 3}));
    EXPECT_THROW(reshape.forward(Tensor({4, 5})), ShapeError);
}
