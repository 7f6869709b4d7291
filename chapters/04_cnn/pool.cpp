// Exercises MaxPoolForward and MaxPoolBackward. Contracts: pool.hpp. Grade: ./wb grade 04
#include "chapters/04_cnn/pool.hpp"

#include "chapters/04_cnn/shapes.hpp"

namespace wb {

MaxPoolResult maxpool2d_forward(const Tensor& x, int kernel, int stride) {
    // TODO: x (N, C, H, W); OH = conv_output_size(H, kernel, stride), OW likewise.
    //       For each window: the max over x[n, c, i*stride + u, j*stride + v], u, v < kernel.
    //       Start from the window's first element; replace only on a strictly greater value
    //       (so the first maximum wins ties). Record its flat index into x in cache.argmax.
    // Worked example: [[1, 3], [3, 2]] with kernel 2 gives 3, argmax 1 (the first 3).
    throw NotImplemented("maxpool2d_forward");
}

Tensor maxpool2d_backward(const Tensor& dout, const MaxPoolCache& cache) {
    // TODO: dx = zeros(cache.input_shape); dx[cache.argmax[o]] += dout[o] for every output o.
    //       Check dout has one value per recorded argmax (ShapeError naming "maxpool2d_backward").
    throw NotImplemented("maxpool2d_backward");
}

}  // namespace wb
