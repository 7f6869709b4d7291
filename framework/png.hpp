// PNG pictures for people: image grids (samples, mistakes) and heatmaps (attention weights,
// confusion matrices). Written with stb_image_write (Debian's libstb-dev).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "framework/tensor.hpp"

namespace wb {

/// 8-bit pixels, row-major, channels interleaved (1 = gray, 3 = RGB).
struct Image {
    int height = 0, width = 0, channels = 1;
    std::vector<std::uint8_t> pixels;
};

/// Writes a PNG; throws IoError naming the path on failure.
void write_png(const std::string& path, const Image& image);

/// Tiles images (N, H, W) or (N, 1, H, W) into a grid `cols` wide with a 1-pixel gap, gray.
/// Values are mapped linearly from [low, high] to black..white and clipped.
Image image_grid(const Tensor& images, int cols, float low = 0.0f, float high = 1.0f);

/// A matrix (R, C) as colored cells `cell` pixels square, on the viridis-like scale:
/// dark blue = min(m) (or `low`), yellow = max(m) (or `high`). Pass low < high to fix the scale.
Image heatmap(const Tensor& m, int cell = 16, float low = 0.0f, float high = 0.0f);

}  // namespace wb
