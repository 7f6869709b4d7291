// Reference: flips, shifts with zero fill, and the random augmentation pipeline.
#include "chapters/05_gan/augment.hpp"

#include <algorithm>
#include <stdexcept>

namespace wb {

Tensor flip_horizontal(const Tensor& images) {
    require_rank("flip_horizontal", "images", images, 4);
    const int N = images.dim(0), C = images.dim(1), H = images.dim(2), W = images.dim(3);
    Tensor out = Tensor::uninitialized(images.shape());
    // out[n, c, h, w] = x[n, c, h, W - 1 - w]
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int h = 0; h < H; ++h)
                for (int w = 0; w < W; ++w) out(n, c, h, w) = images(n, c, h, W - 1 - w);
    return out;
}

Tensor shift_image(const Tensor& images, int dy, int dx) {
    require_rank("shift_image", "images", images, 4);
    const int N = images.dim(0), C = images.dim(1), H = images.dim(2), W = images.dim(3);
    Tensor out(images.shape());  // zeros: what comes in from outside the image
    // out[n, c, h, w] = x[n, c, h - dy, w - dx] where that is inside the image
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int h = 0; h < H; ++h)
                for (int w = 0; w < W; ++w) {
                    const int from_h = h - dy, from_w = w - dx;
                    if (from_h >= 0 && from_h < H && from_w >= 0 && from_w < W) out(n, c, h, w) = images(n, c, from_h, from_w);
                }
    return out;
}

Tensor augment(const Tensor& images, const AugmentOptions& options, Rng& rng) {
    require_rank("augment", "images", images, 4);
    if (!(options.flip_probability >= 0.0f && options.flip_probability <= 1.0f) || options.max_shift < 0 ||
        !(options.noise_std >= 0.0f))
        throw std::invalid_argument("augment: flip_probability must be in [0, 1], max_shift and noise_std >= 0");
    const int N = images.dim(0), s = options.max_shift;
    const std::size_t per_image = images.size() / static_cast<std::size_t>(N == 0 ? 1 : N);
    Tensor out = Tensor::uninitialized(images.shape());
    for (int n = 0; n < N; ++n) {
        // this image alone, then flip, shift and noise in the contract's order of draws
        Tensor image = slice_rows(images, n, n + 1);
        if (rng.uniform01() < options.flip_probability) image = flip_horizontal(image);
        const int dy = static_cast<int>(rng.below(2 * s + 1)) - s;
        const int dx = static_cast<int>(rng.below(2 * s + 1)) - s;
        image = shift_image(image, dy, dx);
        if (options.noise_std > 0.0f)
            for (float& v : image) v += options.noise_std * rng.normal();
        std::copy(image.begin(), image.end(), out.begin() + n * per_image);
    }
    return out;
}

}  // namespace wb
