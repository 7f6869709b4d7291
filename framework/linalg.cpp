#include "framework/linalg.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <Eigen/Eigenvalues>

#include "framework/eigen_views.hpp"
#include "framework/parallel.hpp"

namespace wb {

namespace {

// Eigen's blocked GEMM packs both operands into panels before multiplying, which pays off when each
// element is reused many times. im2col convolutions are skinny instead: chapter 07's first layer
// multiplies W (32, 9) by columns (9, 676) forward and dO (32, 676) by columns^T (676, 9) for dW, and
// Eigen also zeroes C before accumulating into it. The two kernels below cover those shapes with
// register blocks: fixed-size arrays of GCC/Clang vector types, one machine register each, that stay
// in registers across the whole inner loop. Measured against Eigen on this project's machines
// (bench/README.md): 25-35% faster for K <= 144 (NN), 15-20% for N <= 12 (NT); Eigen beyond. On the AVX-512
// machines of 2026-12 the NN kernel runs at 160-200 GFLOP/s on one thread up to K = 576, where Eigen's stays
// near 115 (2048 x 128 x 352: 1.64 -> 0.95 ms; 64 x 784 x 288, a 32-channel 3x3 convolution: 236 -> 150 us),
// and they tie from K = 1152: the limit is 640.
// The same kernel reads A^T in place for the weight gradients dW = dY^T X (TN, any K): 1.1-2.3x Eigen's
// A^T B on one thread at the shapes of chapters 04 and 09 (2026-12-07: 352 x 128 x 2048 1.73 -> 1.40 ms,
// 288 x 676 x 32 105 -> 72 us). A B^T with a wide B and K <= 144 copies B^T out and runs as A B: chapter 09's
// 2048 x 128 x 128 projection took 0.50 ms in Eigen and 0.23 ms so, on two threads.
constexpr int kSkinnyInner = 640;  // NN: the largest K measured faster than Eigen
constexpr int kSkinnyOuter = 12;   // NT: the largest N measured faster than Eigen
constexpr int kTransposeMinRows = 64;  // A B^T as A (B^T) for M >= this (transpose_b_first)

#ifdef __AVX512F__
constexpr int kLanes = 16;  // floats per register
#else
constexpr int kLanes = 8;
#endif
using Vec = float __attribute__((vector_size(kLanes * sizeof(float))));

Vec load(const float* p) {
    Vec v;
    std::memcpy(&v, p, sizeof v);  // an unaligned vector load
    return v;
}
void store(float* p, Vec v) { std::memcpy(p, &v, sizeof v); }

// Where row k of B starts, from B: k * stride floats on (a row-major B), or at an offset of its own (a matrix read in
// place from elsewhere, such as a convolution's columns: gemm_offset_rows).
struct StridedRows {
    std::ptrdiff_t stride;
    std::ptrdiff_t operator()(int k) const { return k * stride; }
};
struct OffsetRows {
    const std::ptrdiff_t* offsets;
    std::ptrdiff_t operator()(int k) const { return offsets[k]; }
};

// How op(A) (M, K) is stored: row-major with leading dimension lda; transposed (A stored (K, lda)); or row r at
// A + a_rows[r] (a matrix read in place, as B's OffsetRows: the columns of a convolution as rows, for its dW).
enum class ALayout { RowMajor, Transposed, OffsetRows };

// One block of C: rows [0, R) and columns [0, V * kLanes) of the pointers given, over all K:
//   C[r, cols] = alpha sum_k op(A)[r, k] B[k, cols] + beta C[r, cols]
// op(A)[r, k] is A[r * lda + k], A[k * lda + r] (Transposed) or A[a_rows[r] + k] (OffsetRows); row k of B starts
// at B + rows(k); C's rows are N apart.
// Per k: V loads of B, R broadcasts of A, R * V fused multiply-adds into R * V independent sums.
template <int R, int V, ALayout Layout, typename Rows>
void nn_block(int N, int K, int lda, float alpha, const float* A, const std::ptrdiff_t* a_rows, const float* B, Rows rows,
              float beta, float* C) {
    const float* offset_row[Layout == ALayout::OffsetRows ? R : 1] = {};
    if constexpr (Layout == ALayout::OffsetRows)
        for (int r = 0; r < R; ++r) offset_row[r] = A + a_rows[r];
    const auto a_at = [&](int r, int k) {
        if constexpr (Layout == ALayout::Transposed) return A[static_cast<std::size_t>(k) * lda + r];
        else if constexpr (Layout == ALayout::OffsetRows) return offset_row[r][k];
        else return A[static_cast<std::size_t>(r) * lda + k];
    };
    Vec acc[R][V] = {};
    for (int k = 0; k < K; ++k) {
        Vec b[V];
        for (int u = 0; u < V; ++u) b[u] = load(B + rows(k) + u * kLanes);
        for (int r = 0; r < R; ++r) {
            const float a = a_at(r, k);
            for (int u = 0; u < V; ++u) acc[r][u] += a * b[u];
        }
    }
    for (int r = 0; r < R; ++r)
        for (int u = 0; u < V; ++u) {
            float* c = C + static_cast<std::size_t>(r) * N + u * kLanes;
            store(c, beta == 0.0f ? alpha * acc[r][u] : alpha * acc[r][u] + beta * load(c));  // beta 0: never read C
        }
}

// C (M, N) = alpha op(A) (M, K) B (K, N) + beta C: blocks of 8 rows x V registers, then the edge rows.
template <int V, ALayout Layout, typename Rows>
void nn_column_block(int M, int N, int K, int lda, float alpha, const float* A, const std::ptrdiff_t* a_rows,
                     const float* B, Rows rows, float beta, float* C) {
    // block i's A: row i of op(A) starts at A + i * lda, or at column i of A when transposed; OffsetRows moves a_rows
    const auto block_a = [&](int i) {
        if constexpr (Layout == ALayout::Transposed) return A + i;
        else if constexpr (Layout == ALayout::OffsetRows) return A;
        else return A + static_cast<std::size_t>(i) * lda;
    };
    const auto block_rows = [&](int i) { return Layout == ALayout::OffsetRows ? a_rows + i : a_rows; };
    int i = 0;
    for (; i + 8 <= M; i += 8)
        nn_block<8, V, Layout>(N, K, lda, alpha, block_a(i), block_rows(i), B, rows, beta, C + static_cast<std::size_t>(i) * N);
    for (; i < M; ++i)
        nn_block<1, V, Layout>(N, K, lda, alpha, block_a(i), block_rows(i), B, rows, beta, C + static_cast<std::size_t>(i) * N);
}

// C (M, N) = alpha op(A) B + beta C in column blocks of 2 * kLanes, then kLanes, then the last N % kLanes
// columns in one padded block. op(A) is A (M, K) with lda = K, A^T for A stored (K, lda) with lda >= M, or rows
// at A + a_rows[r]; B's rows start at B + rows(k) (StridedRows{N}: a row-major (K, N) B).
// Out of line on purpose: inlined into wb::gemm next to Eigen's code, the blocks spilled registers
// (5.1 us instead of 3.2 us per chapter 07 image).
template <ALayout Layout, typename Rows>
[[gnu::noinline]] void gemm_skinny(int M, int N, int K, int lda, float alpha, const float* A, const std::ptrdiff_t* a_rows,
                                   const float* B, Rows rows, float beta, float* C) {
    int j = 0;
    for (; j + 2 * kLanes <= N; j += 2 * kLanes)
        nn_column_block<2, Layout>(M, N, K, lda, alpha, A, a_rows, B + j, rows, beta, C + j);
    for (; j + kLanes <= N; j += kLanes) nn_column_block<1, Layout>(M, N, K, lda, alpha, A, a_rows, B + j, rows, beta, C + j);
    if (j == N) return;
    // the last N - j < kLanes columns: B's and C's copied into one register's width, zero-padded
    const int rest = N - j;
    thread_local std::vector<float> b_tail, c_tail;
    b_tail.assign(static_cast<std::size_t>(K) * kLanes, 0.0f);
    c_tail.assign(static_cast<std::size_t>(M) * kLanes, 0.0f);
    for (int k = 0; k < K; ++k) std::copy_n(B + rows(k) + j, rest, b_tail.data() + static_cast<std::size_t>(k) * kLanes);
    if (beta != 0.0f)
        for (int i = 0; i < M; ++i)
            std::copy_n(C + static_cast<std::size_t>(i) * N + j, rest, c_tail.data() + static_cast<std::size_t>(i) * kLanes);
    nn_column_block<1, Layout>(M, kLanes, K, lda, alpha, A, a_rows, b_tail.data(), StridedRows{kLanes}, beta, c_tail.data());
    for (int i = 0; i < M; ++i)
        std::copy_n(c_tail.data() + static_cast<std::size_t>(i) * kLanes, rest, C + static_cast<std::size_t>(i) * N + j);
}

// S dot products of one row a (K) with rows [0, S) of B (each K long):
//   C[0, s] = alpha sum_q a[q] B[s, q] + beta C[0, s]
// Each keeps kLanes partial sums, added up at the end; the last K % kLanes terms one at a time.
template <int S>
void nt_block(int K, float alpha, const float* a, const float* B, float beta, float* C) {
    Vec acc[S] = {};
    int q = 0;
    for (; q + kLanes <= K; q += kLanes) {
        const Vec x = load(a + q);
        for (int s = 0; s < S; ++s) acc[s] += x * load(B + static_cast<std::size_t>(s) * K + q);
    }
    for (int s = 0; s < S; ++s) {
        float dot = 0.0f;
        for (int t = 0; t < kLanes; ++t) dot += acc[s][t];
        for (int qq = q; qq < K; ++qq) dot += a[qq] * B[static_cast<std::size_t>(s) * K + qq];
        C[s] = beta == 0.0f ? alpha * dot : alpha * dot + beta * C[s];
    }
}

// C (M, N) = alpha A (M, K) B (N, K)^T + beta C with small N: C[i, j] is row i of A dot row j of B.
// Eight rows of B at a time share each load of A's row. Out of line, as gemm_skinny.
[[gnu::noinline]] void gemm_skinny_nt(int M, int N, int K, float alpha, const float* A, const float* B, float beta, float* C) {
    for (int i = 0; i < M; ++i) {
        const float* a = A + static_cast<std::size_t>(i) * K;
        float* c = C + static_cast<std::size_t>(i) * N;
        int j = 0;
        for (; j + 8 <= N; j += 8) nt_block<8>(K, alpha, a, B + static_cast<std::size_t>(j) * K, beta, c + j);
        for (; j < N; ++j) nt_block<1>(K, alpha, a, B + static_cast<std::size_t>(j) * K, beta, c + j);
    }
}

// A^T B (A stored (K, M)) on the skinny kernel, reading A's rows in place: the weight gradients dW = dY^T X.
bool skinny_tn(int N) { return N >= 2 * kLanes; }

// One thread's product, all of C.
void gemm_serial(bool transpose_a, bool transpose_b, int M, int N, int K, float alpha, const float* A, const float* B,
                 float beta, float* C) {
    // The skinny kernels only where they fill their registers: A B in blocks of 2 * kLanes columns, A B^T
    // in dot products kLanes at a time. Smaller products go to Eigen.
    if (!transpose_a && !transpose_b && K <= kSkinnyInner && N >= 2 * kLanes)
        return gemm_skinny<ALayout::RowMajor>(M, N, K, K, alpha, A, nullptr, B, StridedRows{N}, beta, C);
    if (transpose_a && !transpose_b && skinny_tn(N))
        return gemm_skinny<ALayout::Transposed>(M, N, K, M, alpha, A, nullptr, B, StridedRows{N}, beta, C);
    if (!transpose_a && transpose_b && N <= kSkinnyOuter && K >= kLanes)
        return gemm_skinny_nt(M, N, K, alpha, A, B, beta, C);
    const int a_rows = transpose_a ? K : M, a_cols = transpose_a ? M : K;
    const int b_rows = transpose_b ? N : K, b_cols = transpose_b ? K : N;
    const ConstMatrixView a(A, a_rows, a_cols), b(B, b_rows, b_cols);
    MatrixView c(C, M, N);
    // Eigen picks a blocked kernel for each combination; .noalias() avoids a temporary. With beta = 0
    // C is assigned, not read: it may hold garbage (Tensor::uninitialized).
    if (beta == 0.0f) {
        if (!transpose_a && !transpose_b) c.noalias() = alpha * a * b;
        else if (transpose_a && !transpose_b) c.noalias() = alpha * a.transpose() * b;
        else if (!transpose_a && transpose_b) c.noalias() = alpha * a * b.transpose();
        else c.noalias() = alpha * a.transpose() * b.transpose();
        return;
    }
    if (beta != 1.0f) c *= beta;
    if (!transpose_a && !transpose_b) c.noalias() += alpha * a * b;
    else if (transpose_a && !transpose_b) c.noalias() += alpha * a.transpose() * b;
    else if (!transpose_a && transpose_b) c.noalias() += alpha * a * b.transpose();
    else c.noalias() += alpha * a.transpose() * b.transpose();
}

// Rows [begin, end) of C = alpha op(A) op(B) + beta C, for A stored (K, M) (transpose_a): those rows of
// op(A) are columns of A, a strided block that Eigen reads in place.
void gemm_rows_transposed_a(bool transpose_b, int M, int N, int K, int begin, int end, float alpha, const float* A,
                            const float* B, float beta, float* C) {
    using Strided = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;
    const Strided a(A + begin, K, end - begin, Eigen::OuterStride<>(M));
    MatrixView c(C + static_cast<std::size_t>(begin) * N, end - begin, N);
    const ConstMatrixView b(B, transpose_b ? N : K, transpose_b ? K : N);
    if (beta == 0.0f) {
        if (transpose_b) c.noalias() = alpha * a.transpose() * b.transpose();
        else c.noalias() = alpha * a.transpose() * b;
        return;
    }
    if (beta != 1.0f) c *= beta;
    if (transpose_b) c.noalias() += alpha * a.transpose() * b.transpose();
    else c.noalias() += alpha * a.transpose() * b;
}

// Products of at least this many multiply-adds are split over the threads, by rows of C: each thread
// computes whole rows, in the same order of k as one thread would for those rows, so a given thread count
// always gives the same bits. Below it, waking a thread costs more than it saves (the chapter 03 LSTM's
// recurrent product, 32 x 512 x 128 = 2.1M, gains a third).
constexpr double kParallelWork = 1 << 20;
constexpr int kMinRowsPerThread = 8;

// A B^T with B wide (N > kSkinnyOuter) and short rows (K <= kSkinnyInner), over enough rows of A to repay
// copying B^T out (N K floats against M N K multiply-adds): B^T turns it into A B for the skinny NN kernel.
bool transpose_b_first(bool transpose_a, bool transpose_b, int M, int N, int K) {
    return !transpose_a && transpose_b && M >= kTransposeMinRows && N > kSkinnyOuter && N >= 2 * kLanes &&
           K <= kSkinnyInner;
}

}  // namespace

void gemm(bool transpose_a, bool transpose_b, int M, int N, int K, float alpha, const float* A, const float* B,
          float beta, float* C) {
    if (transpose_b_first(transpose_a, transpose_b, M, N, K)) {
        // one buffer per thread: attention calls gemm from several workers at once
        thread_local std::vector<float> b_transposed;
        b_transposed.resize(static_cast<std::size_t>(K) * N);
        for (int n = 0; n < N; ++n)
            for (int k = 0; k < K; ++k)
                b_transposed[static_cast<std::size_t>(k) * N + n] = B[static_cast<std::size_t>(n) * K + k];
        return gemm(false, false, M, N, K, alpha, A, b_transposed.data(), beta, C);
    }
    const int chunks = std::min(thread_count(), M / kMinRowsPerThread);
    if (chunks < 2 || static_cast<double>(M) * N * K < kParallelWork)
        return gemm_serial(transpose_a, transpose_b, M, N, K, alpha, A, B, beta, C);
    parallel_chunks(M, chunks, [&](int, int begin, int end) {
        if (transpose_a && !transpose_b && skinny_tn(N))  // columns [begin, end) of A
            gemm_skinny<ALayout::Transposed>(end - begin, N, K, M, alpha, A + begin, nullptr, B, StridedRows{N}, beta,
                              C + static_cast<std::size_t>(begin) * N);
        else if (transpose_a)
            gemm_rows_transposed_a(transpose_b, M, N, K, begin, end, alpha, A, B, beta, C);
        else  // rows of A are contiguous: the same kernels as one thread, on fewer rows
            gemm_serial(false, transpose_b, end - begin, N, K, alpha, A + static_cast<std::size_t>(begin) * K, B, beta,
                        C + static_cast<std::size_t>(begin) * N);
    });
}

void gemm_offset_rows(int M, int N, int K, const float* A, const float* b, const std::ptrdiff_t* b_rows, float* C) {
    gemm_skinny<ALayout::RowMajor>(M, N, K, K, 1.0f, A, nullptr, b, OffsetRows{b_rows}, 0.0f, C);
}

void gemm_offset_rows_a(int M, int N, int K, const float* a, const std::ptrdiff_t* a_rows, const float* B, float beta,
                        float* C) {
    gemm_skinny<ALayout::OffsetRows>(M, N, K, 0, 1.0f, a, a_rows, B, StridedRows{N}, beta, C);
}

float sum(const float* x, int n) { return ConstVectorView(x, n).sum(); }

std::vector<double> symmetric_sqrt(const std::vector<double>& m, int n) {
    if (n < 0 || m.size() != static_cast<std::size_t>(n) * n)
        throw ShapeError("symmetric_sqrt: " + std::to_string(m.size()) + " values are not a " + std::to_string(n) + " x " +
                         std::to_string(n) + " matrix");
    using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const Matrix> a(m.data(), n, n);
    const Eigen::SelfAdjointEigenSolver<Matrix> eigen(a);
    // m = V diag(l) V^T  =>  sqrt(m) = V diag(sqrt(max(l, 0))) V^T
    const Eigen::VectorXd roots = eigen.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    const Matrix root = eigen.eigenvectors() * roots.asDiagonal() * eigen.eigenvectors().transpose();
    return std::vector<double>(root.data(), root.data() + static_cast<std::size_t>(n) * n);
}

Tensor matmul(const Tensor& a, const Tensor& b) {
    require_rank("matmul", "a", a, 2);
    require_rank("matmul", "b", b, 2);
    if (a.dim(1) != b.dim(0)) shape_mismatch("matmul", "a", a, "b", b, "a's columns must equal b's rows");
    Tensor c({a.dim(0), b.dim(1)});
    gemm(false, false, a.dim(0), b.dim(1), a.dim(1), 1.0f, a.data(), b.data(), 0.0f, c.data());
    return c;
}

}  // namespace wb
