#include "framework/linalg.hpp"

#include "framework/eigen_views.hpp"

namespace wb {

void gemm(bool transpose_a, bool transpose_b, int M, int N, int K, float alpha, const float* A, const float* B,
          float beta, float* C) {
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

float sum(const float* x, int n) { return ConstVectorView(x, n).sum(); }

Tensor matmul(const Tensor& a, const Tensor& b) {
    require_rank("matmul", "a", a, 2);
    require_rank("matmul", "b", b, 2);
    if (a.dim(1) != b.dim(0)) shape_mismatch("matmul", "a", a, "b", b, "a's columns must equal b's rows");
    Tensor c({a.dim(0), b.dim(1)});
    gemm(false, false, a.dim(0), b.dim(1), a.dim(1), 1.0f, a.data(), b.data(), 0.0f, c.data());
    return c;
}

}  // namespace wb
