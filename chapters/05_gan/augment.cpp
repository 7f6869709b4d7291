// Exercises FlipAndShift and AugmentPipeline. Contracts and math: augment.hpp. Grade: ./wb grade 05
#include "chapters/05_gan/augment.hpp"

#include <algorithm>
#include <stdexcept>

namespace wb {

Tensor flip_horizontal(const Tensor& images) {
    // TODO: out[n, c, h, w] = x[n, c, h, W - 1 - w]. Not rank 4: ShapeError naming "flip_horizontal".
    // Worked example: the row [1, 2, 3] becomes [3, 2, 1].
    throw NotImplemented("flip_horizontal");
}

Tensor shift_image(const Tensor& images, int dy, int dx) {
    // TODO: out[n, c, h, w] = x[n, c, h - dy, w - dx] where that index is inside the image, else 0.
    //       Not rank 4: ShapeError naming "shift_image".
    // Worked example: the row [1, 2, 3] shifted by dx = 1 becomes [0, 1, 2]; by dx = -1, [2, 3, 0].
    throw NotImplemented("shift_image");
}

Tensor augment(const Tensor& images, const AugmentOptions& options, Rng& rng) {
    // TODO: check the rank (ShapeError naming "augment") and the options (std::invalid_argument).
    //       For each image n, in this order of draws:
    //         flip if rng.uniform01() < flip_probability          (your flip_horizontal)
    //         dy = rng.below(2 s + 1) - s, then dx the same way    (your shift_image; s = max_shift)
    //         if noise_std > 0: add noise_std * rng.normal() to every value, row-major
    //       slice_rows(images, n, n + 1) gives image n as a (1, C, H, W) tensor.
    throw NotImplemented("augment");
}

}  // namespace wb
