// Reference: pixel shuffle (depth-to-space) and its backward pass (space-to-depth).
#include "chapters/05_gan/pixel_shuffle.hpp"

#include <string>

namespace wb {

Tensor pixel_shuffle(const Tensor& x, int r) {
    require_rank("pixel_shuffle", "x", x, 4);
    if (r < 1 || x.dim(1) % (r * r) != 0)
        throw ShapeError("pixel_shuffle: x " + to_string(x.shape()) + " has " + std::to_string(x.dim(1)) +
                         " channels, which r^2 = " + std::to_string(r * r) + " must divide (r >= 1)");
    const int N = x.dim(0), C = x.dim(1) / (r * r), H = x.dim(2), W = x.dim(3);
    Tensor out = Tensor::uninitialized({N, C, H * r, W * r});
    // out[n, c, h r + i, w r + j] = x[n, c r^2 + i r + j, h, w]
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int i = 0; i < r; ++i)
                for (int j = 0; j < r; ++j)
                    for (int h = 0; h < H; ++h)
                        for (int w = 0; w < W; ++w) out(n, c, h * r + i, w * r + j) = x(n, c * r * r + i * r + j, h, w);
    return out;
}

Tensor pixel_shuffle_backward(const Tensor& dout, int r) {
    require_rank("pixel_shuffle_backward", "dout", dout, 4);
    if (r < 1 || dout.dim(2) % r != 0 || dout.dim(3) % r != 0)
        throw ShapeError("pixel_shuffle_backward: dout " + to_string(dout.shape()) + " must have a height and width that r = " +
                         std::to_string(r) + " divides (r >= 1)");
    const int N = dout.dim(0), C = dout.dim(1), H = dout.dim(2) / r, W = dout.dim(3) / r;
    Tensor dx = Tensor::uninitialized({N, C * r * r, H, W});
    // every input value went to exactly one output position: its gradient comes back from there
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int i = 0; i < r; ++i)
                for (int j = 0; j < r; ++j)
                    for (int h = 0; h < H; ++h)
                        for (int w = 0; w < W; ++w) dx(n, c * r * r + i * r + j, h, w) = dout(n, c, h * r + i, w * r + j);
    return dx;
}

}  // namespace wb
