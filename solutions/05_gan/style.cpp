// Reference: Gram matrices and the style loss of neural style transfer.
#include "chapters/05_gan/style.hpp"

#include "framework/linalg.hpp"

namespace wb {

Tensor gram_matrix(const Tensor& features) {
    require_rank("gram_matrix", "features", features, 4);
    if (features.empty()) throw ShapeError("gram_matrix: features " + to_string(features.shape()) + " is empty");
    const int N = features.dim(0), C = features.dim(1), M = features.dim(2) * features.dim(3);
    Tensor gram = Tensor::uninitialized({N, C, C});
    // per image: F (C, M), G = F F^T / (C M)
    for (int n = 0; n < N; ++n) {
        const float* f = &features(n, 0, 0, 0);
        gemm(false, true, C, C, M, 1.0f / (static_cast<float>(C) * M), f, f, 0.0f, &gram(n, 0, 0));
    }
    return gram;
}

LossResult style_loss(const Tensor& features, const Tensor& target_gram) {
    const Tensor gram = gram_matrix(features);
    require_shape("style_loss", "target_gram", target_gram, gram.shape());
    const int N = features.dim(0), C = features.dim(1), M = features.dim(2) * features.dim(3);
    // L = mean over (n, c, d) of (G - T)^2
    Tensor diff = Tensor::uninitialized(gram.shape());
    double sum = 0.0;
    for (std::size_t i = 0; i < gram.size(); ++i) {
        diff[i] = gram[i] - target_gram[i];
        sum += static_cast<double>(diff[i]) * diff[i];
    }
    const double count = static_cast<double>(N) * C * C;
    // dL/dG = 2 (G - T) / (N C^2);  G = F F^T / (C M)  =>  dL/dF = (dL/dG + dL/dG^T) F / (C M) = 2 dL/dG F / (C M)
    Tensor grad = Tensor::uninitialized(features.shape());
    const float alpha = static_cast<float>(2.0 / count * 2.0 / (static_cast<double>(C) * M));
    for (int n = 0; n < N; ++n)
        gemm(false, false, C, M, C, alpha, &diff(n, 0, 0), &features(n, 0, 0, 0), 0.0f, &grad(n, 0, 0, 0));
    return {sum / count, grad};
}

}  // namespace wb
