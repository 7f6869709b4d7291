// The chapter 07 10-class classifier that scores generated images (chapters 08 and 10): its weights, cached by
// ./wb run 08 and ./wb run 10 (tools/wb.py, classifier_weights), and its features and logits, computed with the
// framework's kernels only, so that a quality score never depends on the kernels being graded.
#pragma once
#include <string>
#include <vector>

#include "framework/conv_kernels.hpp"
#include "framework/errors.hpp"
#include "framework/linalg.hpp"
#include "framework/serialize.hpp"

namespace wb {

/// The weights of chapter 07's 10-class model: Conv 32 3x3, ReLU, MaxPool 2, Dense 10.
struct Classifier {
    Tensor conv_w, conv_b, dense_w, dense_b;  // (32, 1, 3, 3), (32), (10, 5408), (10)
};

inline Classifier load_classifier(const std::string& path) {
    const std::vector<NamedTensor> t = load_tensors(path);
    if (t.size() != 4 || t[0].tensor.shape() != Shape{32, 1, 3, 3} || t[2].tensor.shape() != Shape{10, 32 * 13 * 13})
        throw IoError(path + ": not the weights of chapter 07's 10-class model (./wb run 07 --task 10class writes them)");
    return {t[0].tensor, t[1].tensor, t[2].tensor, t[3].tensor};
}

/// images (N, 1, 28, 28) in [0, 1] -> features (N, 32), the mean of each pooled channel, and logits (N, 10).
inline void classify(const Classifier& c, const Tensor& images, Tensor& features, Tensor& logits) {
    const int N = images.dim(0);
    const ConvShape s{1, 28, 28, 3, 3, 1, 0, 1, 26, 26};
    std::vector<float> cols(9 * 26 * 26), plane(32 * 26 * 26);
    std::vector<int> argmax(13 * 13);
    Tensor pooled({N, 32 * 13 * 13});
    features = Tensor({N, 32});
    for (int n = 0; n < N; ++n) {
        im2col_image(&images(n, 0, 0, 0), s, cols.data());
        gemm(false, false, 32, 26 * 26, 9, 1.0f, c.conv_w.data(), cols.data(), 0.0f, plane.data());
        for (int f = 0; f < 32; ++f) {
            float* out = &pooled(n, f * 169);
            relu_maxpool_plane(plane.data() + f * 676, 26, 2, 13, 13, c.conv_b(f), 0, out, argmax.data());
            for (int i = 0; i < 169; ++i) features(n, f) += out[i] / 169.0f;
        }
    }
    logits = Tensor({N, 10});
    for (int n = 0; n < N; ++n)
        for (int k = 0; k < 10; ++k) logits(n, k) = c.dense_b(k);
    gemm(false, true, N, 10, 32 * 13 * 13, 1.0f, pooled.data(), c.dense_w.data(), 1.0f, logits.data());
}

}  // namespace wb
