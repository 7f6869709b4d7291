// Reference: max pooling forward and backward.
#include "chapters/04_cnn/pool.hpp"

#include <algorithm>

#include "chapters/04_cnn/shapes.hpp"
#include "framework/parallel.hpp"

namespace wb {

MaxPoolResult maxpool2d_forward(const Tensor& x, int kernel, int stride) {
    require_rank("maxpool2d_forward", "x", x, 4);
    const int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
    int OH = 0, OW = 0;
    try {
        OH = conv_output_size(H, kernel, stride);
        OW = conv_output_size(W, kernel, stride);
    } catch (const ShapeError& e) {
        throw ShapeError("maxpool2d_forward: x " + to_string(x.shape()) + " with kernel " + std::to_string(kernel) +
                         ", stride " + std::to_string(stride) + ": " + e.what());
    }
    MaxPoolResult r{Tensor({N, C, OH, OW}), {x.shape(), std::vector<int>(static_cast<std::size_t>(N) * C * OH * OW)}};
    const float* in = x.data();
    float* out = r.out.data();
    int* argmax = r.cache.argmax.data();
    parallel_for(N * C, [&](int begin, int end) {
        for (int plane = begin; plane < end; ++plane) {  // one (n, c) plane at a time
            const std::size_t in_base = static_cast<std::size_t>(plane) * H * W;
            const std::size_t out_base = static_cast<std::size_t>(plane) * OH * OW;
            for (int i = 0; i < OH; ++i)
                for (int j = 0; j < OW; ++j) {
                    // start from the window's first element; a strictly greater value replaces it,
                    // so among equal maxima the first in row-major order wins
                    int best = static_cast<int>(in_base) + (i * stride) * W + j * stride;
                    float best_value = in[best];
                    for (int u = 0; u < kernel; ++u)
                        for (int v = 0; v < kernel; ++v) {
                            const int at = static_cast<int>(in_base) + (i * stride + u) * W + j * stride + v;
                            const bool greater = in[at] > best_value;  // selects, not branches: ties are common
                            best_value = greater ? in[at] : best_value;
                            best = greater ? at : best;
                        }
                    const std::size_t o = out_base + static_cast<std::size_t>(i) * OW + j;
                    out[o] = best_value;
                    argmax[o] = best;
                }
        }
    });
    return r;
}

Tensor maxpool2d_backward(const Tensor& dout, const MaxPoolCache& cache) {
    if (dout.size() != cache.argmax.size() || dout.rank() != 4 || cache.input_shape.size() != 4 ||
        dout.dim(0) != cache.input_shape[0] || dout.dim(1) != cache.input_shape[1])
        throw ShapeError("maxpool2d_backward: dout " + to_string(dout.shape()) + " does not match the forward pass (input " +
                         to_string(cache.input_shape) + ", " + std::to_string(cache.argmax.size()) + " outputs)");
    Tensor dx = Tensor::uninitialized(cache.input_shape);
    const std::size_t planes = static_cast<std::size_t>(dout.dim(0)) * dout.dim(1);
    const std::size_t in_plane = dx.size() / planes, out_plane = dout.size() / planes;
    // a window's winner lies in the window's own (n, c) plane, so workers taking whole planes never collide
    parallel_for(static_cast<int>(planes), [&](int begin, int end) {
        std::fill(dx.begin() + begin * in_plane, dx.begin() + end * in_plane, 0.0f);
        // only the winner of each window receives that window's gradient; overlapping windows add up
        for (std::size_t o = begin * out_plane; o < end * out_plane; ++o)
            dx[static_cast<std::size_t>(cache.argmax[o])] += dout[o];
    });
    return dx;
}

}  // namespace wb
