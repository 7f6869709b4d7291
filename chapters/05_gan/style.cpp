// Exercises GramMatrix and StyleLoss. Contracts and math: style.hpp. Grade: ./wb grade 05
#include "chapters/05_gan/style.hpp"

#include "framework/linalg.hpp"

namespace wb {

Tensor gram_matrix(const Tensor& features) {
    // TODO: per image n, view F[n] as (C, M = H W); G[n] = F F^T / (C M)   -> (N, C, C)
    //       (wb::gemm(false, true, C, C, M, 1 / (C M), f, f, 0, g) does it in one call, or three loops)
    //       Not rank 4 or empty: ShapeError naming "gram_matrix".
    // Worked example: one image, C = 1, H = 1, W = 2, values 1 and 3: G = (1 + 9) / 2 = 5.
    throw NotImplemented("gram_matrix");
}

LossResult style_loss(const Tensor& features, const Tensor& target_gram) {
    // TODO: G = gram_matrix(features); check target_gram has G's shape (ShapeError naming "style_loss").
    //       loss = mean over (n, c, d) of (G - T)^2
    //       grad[n] = 2 / (N C^2) * 2 / (C M) * (G - T)[n] F[n]      (C, C) x (C, M) -> (C, M)
    throw NotImplemented("style_loss");
}

}  // namespace wb
