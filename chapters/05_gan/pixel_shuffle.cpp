// Exercises PixelShuffle and PixelShuffleBackward. Contracts and math: pixel_shuffle.hpp. Grade: ./wb grade 05
#include "chapters/05_gan/pixel_shuffle.hpp"

#include <string>

namespace wb {

Tensor pixel_shuffle(const Tensor& x, int r) {
    // TODO: (N, C r^2, H, W) -> (N, C, H r, W r):  out[n, c, h r + i, w r + j] = x[n, c r^2 + i r + j, h, w]
    //       Rank 4, r >= 1 and r^2 dividing the channels, else ShapeError naming "pixel_shuffle".
    // Worked example: x (1, 4, 1, 1) = [a, b, c, d], r = 2 gives the 2x2 image [[a, b], [c, d]].
    throw NotImplemented("pixel_shuffle");
}

Tensor pixel_shuffle_backward(const Tensor& dout, int r) {
    // TODO: the inverse rearrangement: dx[n, c r^2 + i r + j, h, w] = dout[n, c, h r + i, w r + j]
    //       Rank 4 with H and W divisible by r, else ShapeError naming "pixel_shuffle_backward".
    throw NotImplemented("pixel_shuffle_backward");
}

}  // namespace wb
