#include "framework/png.hpp"

#include <algorithm>
#include <cmath>

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
#include <stb/stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace wb {

void write_png(const std::string& path, const Image& image) {
    if (image.pixels.size() != static_cast<std::size_t>(image.height) * image.width * image.channels ||
        image.height <= 0 || image.width <= 0)
        throw IoError(path + ": image " + std::to_string(image.height) + "x" + std::to_string(image.width) + "x" +
                      std::to_string(image.channels) + " does not match its " +
                      std::to_string(image.pixels.size()) + " bytes");
    if (!stbi_write_png(path.c_str(), image.width, image.height, image.channels, image.pixels.data(),
                        image.width * image.channels))
        throw IoError(path + ": cannot write the PNG (does the folder exist?)");
}

static std::uint8_t to_byte(float v, float low, float high) {
    const float t = high > low ? (v - low) / (high - low) : 0.0f;
    return static_cast<std::uint8_t>(std::lround(255.0f * std::clamp(t, 0.0f, 1.0f)));
}

Image image_grid(const Tensor& images, int cols, float low, float high) {
    const bool with_channel = images.rank() == 4;
    if (!(images.rank() == 3 || (with_channel && images.dim(1) == 1)))
        throw ShapeError("image_grid: images have shape " + to_string(images.shape()) +
                         ", expected (N, H, W) or (N, 1, H, W)");
    const int n = images.dim(0), h = images.dim(-2), w = images.dim(-1);
    cols = std::max(1, std::min(cols, n));
    const int rows = (n + cols - 1) / cols;
    Image img{rows * (h + 1) + 1, cols * (w + 1) + 1, 1, {}};
    img.pixels.assign(static_cast<std::size_t>(img.height) * img.width, 64);  // gray gaps
    for (int k = 0; k < n; ++k) {
        const int top = 1 + (k / cols) * (h + 1), left = 1 + (k % cols) * (w + 1);
        const float* src = images.data() + static_cast<std::size_t>(k) * h * w;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                img.pixels[static_cast<std::size_t>(top + y) * img.width + left + x] = to_byte(src[y * w + x], low, high);
    }
    return img;
}

Image heatmap(const Tensor& m, int cell, float low, float high) {
    require_rank("heatmap", "m", m, 2);
    if (m.empty()) throw ShapeError("heatmap: m has shape " + to_string(m.shape()) + ", nothing to draw");
    if (!(low < high)) {
        low = *std::min_element(m.begin(), m.end());
        high = *std::max_element(m.begin(), m.end());
    }
    // Five stops of the viridis scale, interpolated linearly.
    static const float kStops[5][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
    const int rows = m.dim(0), cols = m.dim(1);
    Image img{rows * cell, cols * cell, 3, {}};
    img.pixels.resize(static_cast<std::size_t>(img.height) * img.width * 3);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const float t = high > low ? std::clamp((m(r, c) - low) / (high - low), 0.0f, 1.0f) : 0.0f;
            const float pos = t * 4.0f;
            const int i = std::min(3, static_cast<int>(pos));
            const float f = pos - static_cast<float>(i);
            std::uint8_t rgb[3];
            for (int k = 0; k < 3; ++k)
                rgb[k] = static_cast<std::uint8_t>(std::lround(kStops[i][k] + f * (kStops[i + 1][k] - kStops[i][k])));
            for (int y = 0; y < cell; ++y)
                for (int x = 0; x < cell; ++x) {
                    std::uint8_t* p = &img.pixels[(static_cast<std::size_t>(r * cell + y) * img.width + c * cell + x) * 3];
                    p[0] = rgb[0], p[1] = rgb[1], p[2] = rgb[2];
                }
        }
    return img;
}

}  // namespace wb
