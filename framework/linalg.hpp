// Matrix products for exercises and layers, without Eigen in the header (it compiles slowly).
#pragma once
#include <cstddef>
#include <vector>

#include "framework/tensor.hpp"

namespace wb {

/// C = alpha * op(A) op(B) + beta * C on raw row-major buffers (BLAS sgemm semantics).
/// op(A) is (M, K): A is stored (M, K), or (K, M) when transpose_a. op(B) is (K, N): B is stored
/// (K, N), or (N, K) when transpose_b. C is (M, N). beta = 0 ignores what C held.
void gemm(bool transpose_a, bool transpose_b, int M, int N, int K, float alpha, const float* A, const float* B,
          float beta, float* C);

/// C (M, N) = A (M, K) B (K, N), where row k of B is the N floats from b + b_rows[k]: a matrix read in place from
/// wherever its rows lie, such as the columns of a stride-1 convolution (conv_kernels' conv_image), which then never
/// need copying out. A is row-major; C is overwritten. One thread (callers split their work over images).
void gemm_offset_rows(int M, int N, int K, const float* A, const float* b, const std::ptrdiff_t* b_rows, float* C);

/// C (M, N) = A (M, K) B (K, N) + beta C, where row r of A is the K floats from a + a_rows[r] (the columns of a
/// stride-1 convolution as rows, for its weight gradient: conv_kernels' conv_image_weight_gradient). B and C are
/// row-major; beta 0 ignores what C held. One thread.
void gemm_offset_rows_a(int M, int N, int K, const float* a, const std::ptrdiff_t* a_rows, const float* B, float beta,
                        float* C);

/// Sum of n floats, vectorised (Eigen reorders the adds into several partial sums, which plain C++
/// loops may not do for floats). The order of the adds follows x's address (scalar adds up to the first
/// aligned element): for the same bits on every run, x must sit at the same offset from a kTensorAlignment
/// boundary every time, as in a Tensor's storage.
float sum(const float* x, int n);

/// The principal square root of a symmetric positive semi-definite n x n matrix m (row-major, double):
/// R symmetric with R R = m, from the eigendecomposition m = V diag(l) V^T as V diag(sqrt(l)) V^T.
/// Eigenvalues below 0, which rounding makes of a singular covariance, count as 0.
/// Throws ShapeError naming symmetric_sqrt unless m has n * n values.
std::vector<double> symmetric_sqrt(const std::vector<double>& m, int n);

/// a (M, K) times b (K, N) -> (M, N). Throws ShapeError naming "matmul" and both shapes.
Tensor matmul(const Tensor& a, const Tensor& b);

}  // namespace wb
