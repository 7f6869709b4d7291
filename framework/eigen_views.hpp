// Eigen views of wb::Tensor storage, for the .cpp files that do matrix work.
// Include this only in .cpp files: Eigen costs seconds of compile time per translation unit.
#pragma once
#include <Eigen/Core>

#include "framework/tensor.hpp"

namespace wb {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixView = Eigen::Map<RowMatrix>;
using ConstMatrixView = Eigen::Map<const RowMatrix>;
using VectorView = Eigen::Map<Eigen::VectorXf>;
using ConstVectorView = Eigen::Map<const Eigen::VectorXf>;

/// The tensor's storage seen as a (rows, cols) row-major matrix; rows * cols must equal its size.
inline MatrixView as_matrix(Tensor& t, int rows, int cols) {
    if (static_cast<std::size_t>(rows) * cols != t.size())
        throw ShapeError("as_matrix: tensor " + to_string(t.shape()) + " cannot be viewed as (" +
                         std::to_string(rows) + ", " + std::to_string(cols) + ")");
    return MatrixView(t.data(), rows, cols);
}
inline ConstMatrixView as_matrix(const Tensor& t, int rows, int cols) {
    if (static_cast<std::size_t>(rows) * cols != t.size())
        throw ShapeError("as_matrix: tensor " + to_string(t.shape()) + " cannot be viewed as (" +
                         std::to_string(rows) + ", " + std::to_string(cols) + ")");
    return ConstMatrixView(t.data(), rows, cols);
}
/// A rank-2 tensor as its matrix; a rank-n tensor as (product of leading dims, last dim).
inline MatrixView as_matrix(Tensor& t) {
    const int cols = t.dim(-1);
    return as_matrix(t, cols == 0 ? 0 : static_cast<int>(t.size() / cols), cols);
}
inline ConstMatrixView as_matrix(const Tensor& t) {
    const int cols = t.dim(-1);
    return as_matrix(t, cols == 0 ? 0 : static_cast<int>(t.size() / cols), cols);
}
/// Slice b of a rank-3 tensor (B, R, C) as an (R, C) matrix.
inline MatrixView batch_matrix(Tensor& t, int b) {
    const int r = t.dim(1), c = t.dim(2);
    return MatrixView(t.data() + static_cast<std::size_t>(b) * r * c, r, c);
}
inline ConstMatrixView batch_matrix(const Tensor& t, int b) {
    const int r = t.dim(1), c = t.dim(2);
    return ConstMatrixView(t.data() + static_cast<std::size_t>(b) * r * c, r, c);
}
inline VectorView as_vector(Tensor& t) { return VectorView(t.data(), static_cast<Eigen::Index>(t.size())); }
inline ConstVectorView as_vector(const Tensor& t) {
    return ConstVectorView(t.data(), static_cast<Eigen::Index>(t.size()));
}

}  // namespace wb
