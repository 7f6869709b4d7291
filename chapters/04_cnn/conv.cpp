// Exercises Conv2dNaive, Conv2dIm2col, Conv2dBackward and Conv2dReluPool. Contracts and math: conv.hpp. Grade: ./wb grade 04
#include "chapters/04_cnn/conv.hpp"

#include "chapters/04_cnn/shapes.hpp"
#include "framework/linalg.hpp"

namespace wb {

Tensor conv2d_forward_naive(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p) {
    // TODO: check ranks and that x's C equals w's C (ShapeError naming "conv2d_forward_naive");
    //       OH, OW from your conv_output_size; then seven loops: n, f, i, j and the sum over c, u, v of
    //       w[f, c, u, v] * x[n, c, i*stride + u*dilation - padding, j*stride + v*dilation - padding],
    //       skipping positions outside the input (they are the zero padding). Add b[f] unless b is empty.
    // Worked example: x = [[1, 2], [3, 4]] (1 channel), w = [[1, 0], [0, 1]] gives [[5]].
    throw NotImplemented("conv2d_forward_naive");
}

Tensor im2col(const Tensor& image, int kernel_h, int kernel_w, const Conv2dParams& p) {
    // TODO: image (C, H, W) -> cols (C*KH*KW, OH*OW);
    //       cols[(c*KH + u)*KW + v, i*OW + j] = image[c, i*stride + u*dilation - padding, j*stride + v*dilation - padding]
    //       or 0 where that falls in the padding.
    throw NotImplemented("im2col");
}

Tensor conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p) {
    // TODO: same checks as the naive version (errors name "conv2d_forward"). For each image n:
    //       cols = im2col(x[n]); out[n] (F, OH*OW) = w (F, C*KH*KW) x cols; add b[f] to row f.
    //       wb::gemm(false, false, F, OH*OW, C*KH*KW, 1, w.data(), cols.data(), 0, out_n) does the product.
    // This kernel trains the chapter 07 classifier: allocate cols once, not per image.
    throw NotImplemented("conv2d_forward");
}

Conv2dGrads conv2d_backward(const Tensor& dout, const Tensor& x, const Tensor& w, bool has_bias,
                            const Conv2dParams& p, bool need_dx) {
    // TODO: dout (N, F, OH, OW); check it (ShapeError naming "conv2d_backward"). For each image n:
    //       dW (F, C*KH*KW) += dout[n] (F, OH*OW) x im2col(x[n])^T
    //       db[f] += sum of dout[n, f, :, :]                      (only if has_bias)
    //       dcols = W^T (C*KH*KW, F) x dout[n]; add each dcols entry back to the pixel im2col copied
    //       it from (col2im), dropping padding positions          (only if need_dx)
    throw NotImplemented("conv2d_backward");
}

ConvReluPoolResult conv2d_relu_maxpool_forward(const Tensor& x, const Tensor& w, const Tensor& b,
                                               const Conv2dParams& p, int pool) {
    // TODO: first make it right: conv = conv2d_forward(x, w, b, p); maxpool2d_forward(conv, pool, pool);
    //       then ReLU the pooled values; fill the cache: argmax indexes the (N, F, OH, OW) convolution
    //       output, and is -1 where the pooled value was cut to 0 by the ReLU.
    //       Then make it fast: per image, convolve into a small buffer, then pool that buffer directly.
    throw NotImplemented("conv2d_relu_maxpool_forward");
}

Conv2dGrads conv2d_relu_maxpool_backward(const Tensor& dout, const ConvReluPoolCache& cache, bool need_dx) {
    // TODO: dconv (N, F, OH, OW) = zeros; for each pooled output o with cache.argmax[o] != -1:
    //       dconv[cache.argmax[o]] += dout[o]; then conv2d_backward(dconv, cache.x, cache.w, ...).
    throw NotImplemented("conv2d_relu_maxpool_backward");
}

}  // namespace wb
