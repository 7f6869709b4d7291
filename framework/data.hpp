// Datasets: the IDX reader (MNIST / Fashion-MNIST format), gzipped or not.
#pragma once
#include <string>

#include "framework/tensor.hpp"

namespace wb {

/// Where Debian's dataset-fashion-mnist package puts the files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/// Reads an IDX image file (magic 0x00000803: uint8 images), gzipped or plain.
/// @return (N, 1, rows, cols) floats scaled to [0, 1] (pixel / 255)
/// @throws IoError naming the path and the problem: missing (with the package to install),
///         not an IDX image file (the magic found), or truncated (the sizes promised and found).
Tensor read_idx_images(const std::string& path);

/// Reads an IDX label file (magic 0x00000801: uint8 labels). @return (N) labels as floats.
/// @throws IoError as read_idx_images.
Tensor read_idx_labels(const std::string& path);

/// Fashion-MNIST's ten classes, by label.
inline constexpr const char* kFashionMnistClasses[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                         "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

struct Dataset {
    Tensor train_x;  ///< (60000, 1, 28, 28) in [0, 1]
    Tensor train_y;  ///< (60000) labels 0..9
    Tensor test_x;   ///< (10000, 1, 28, 28)
    Tensor test_y;   ///< (10000)
};

/// Loads {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] from `dir`; checks images and labels agree.
Dataset load_fashion_mnist(const std::string& dir = kFashionMnistDir);

}  // namespace wb
