/// @file conv.hpp
/// Exercises **Conv2dNaive**, **Conv2dIm2col**, **Conv2dBackward** and **Conv2dReluPool**: the 2-D
/// convolution (really a cross-correlation, as in every framework), forward two ways, backward, and
/// fused with ReLU and max pooling for speed.
///
/// Shapes (PyTorch's): N = batch, C = input channels, H, W = input size, F = filters,
/// KH, KW = kernel size, OH, OW = output size (see conv_output_size). float32, row-major.
#pragma once
#include <vector>

#include "framework/tensor.hpp"

namespace wb {

/// Stride, zero padding and dilation, the same along both axes.
struct Conv2dParams {
    int stride = 1;    ///< step between output positions
    int padding = 0;   ///< zeros added on every side
    int dilation = 1;  ///< spacing between kernel taps (1 = dense kernel)
};

/// Convolution forward with plain loops:
/// \f[ \text{out}[n, f, i, j] = b[f] + \sum_{c, u, v} w[f, c, u, v]\;
///     x_{\text{pad}}[n, c,\ i s + u d,\ j s + v d] \f]
/// where \f$x_{\text{pad}}\f$ reads as 0 outside the input.
/// @param x (N, C, H, W)
/// @param w (F, C, KH, KW)
/// @param b (F), or an empty Tensor for no bias
/// @param p stride, padding, dilation
/// @return (N, F, OH, OW)
/// @throws ShapeError naming "conv2d_forward_naive" and both shapes when x, w or b disagree,
///         or when the kernel does not fit (as conv_output_size).
/// PyTorch: `torch.nn.functional.conv2d(x, w, b, stride, padding, dilation)`.
Tensor conv2d_forward_naive(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p = {});

/// im2col: lays out every receptive field of one image as a column, so that the convolution
/// becomes one matrix product. Row \f$(c \cdot K_H + u) \cdot K_W + v\f$, column \f$i \cdot O_W + j\f$
/// holds \f$x_{\text{pad}}[c,\ i s + u d,\ j s + v d]\f$ (0 in the padding).
/// @param image (C, H, W)
/// @param kernel_h KH
/// @param kernel_w KW
/// @param p stride, padding, dilation
/// @return (C*KH*KW, OH*OW)
/// @throws ShapeError naming "im2col" if image is not rank 3 or the kernel does not fit.
Tensor im2col(const Tensor& image, int kernel_h, int kernel_w, const Conv2dParams& p = {});

/// Convolution forward as im2col + GEMM: for each image n,
/// \f[ \text{out}[n] = W_{\text{mat}}\ \operatorname{im2col}(x[n]) + b \f]
/// with \f$W_{\text{mat}}\f$ = w viewed as (F, C*KH*KW) and out[n] viewed as (F, OH*OW).
/// Same contract and errors as conv2d_forward_naive (the error names "conv2d_forward").
/// This is the kernel the framework's Conv2D layer calls: chapter 07 trains with yours.
/// wb::gemm (framework/linalg.hpp) multiplies raw row-major buffers.
Tensor conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p = {});

/// Gradients of conv2d_forward.
struct Conv2dGrads {
    Tensor dx;  ///< (N, C, H, W); empty when not requested
    Tensor dw;  ///< (F, C, KH, KW)
    Tensor db;  ///< (F); empty when the forward pass had no bias
};

/// Convolution backward. With \f$X_n\f$ = im2col(x[n]) and \f$dO_n\f$ = dout[n] viewed as (F, OH*OW):
/// \f[ dW = \sum_n dO_n X_n^\top, \qquad db[f] = \sum_{n, i, j} dout[n, f, i, j], \qquad
///     dX_n = \operatorname{col2im}(W_{\text{mat}}^\top dO_n) \f]
/// col2im adds every column entry back to the input pixel it was copied from (pixels shared by
/// several windows collect several contributions; entries that came from padding are dropped).
/// @param dout (N, F, OH, OW)
/// @param x (N, C, H, W) the forward input
/// @param w (F, C, KH, KW) the forward weights
/// @param has_bias whether to compute db
/// @param p the forward parameters
/// @param need_dx false skips dx (a network's first layer needs no input gradient)
/// @throws ShapeError naming "conv2d_backward" if dout does not match the forward output shape.
Conv2dGrads conv2d_backward(const Tensor& dout, const Tensor& x, const Tensor& w, bool has_bias,
                            const Conv2dParams& p = {}, bool need_dx = true);

/// What conv2d_relu_maxpool_backward needs.
struct ConvReluPoolCache {
    Tensor x;                 ///< (N, C, H, W) the input
    Tensor w;                 ///< (F, C, KH, KW) the weights
    bool has_bias = true;     ///< whether db is wanted
    Conv2dParams conv;        ///< the convolution's parameters
    Shape conv_shape;         ///< (N, F, OH, OW) the convolution output, never stored whole
    Shape out_shape;          ///< (N, F, PH, PW) the pooled output
    /// per pooled output (row-major over out_shape): the flat index into the (N, F, OH, OW) convolution
    /// output of its window's max, or -1 where the ReLU cut that max to 0 (no gradient flows back)
    std::vector<int> argmax;
};

/// What conv2d_relu_maxpool_forward returns.
struct ConvReluPoolResult {
    Tensor out;               ///< (N, F, PH, PW)
    ConvReluPoolCache cache;  ///< for backward
};

/// The fused block of chapter 07: max-pool(ReLU(conv2d(x))) with a pool x pool window and stride pool,
/// \f[ \text{out}[n, f, i, j] = \max\Big(0,\ \max_{u, v < k} \text{conv}[n, f,\ i k + u,\ j k + v]\Big) \f]
/// (ReLU and max commute: both are monotone). Fusing means computing each image's convolution in a
/// small buffer that stays in cache and pooling it at once, instead of writing three (N, F, OH, OW)
/// tensors to memory and reading them back; it is what makes the chapter 07 epoch fast.
/// Ties go to the first maximum in row-major window order, as maxpool2d_forward.
/// A first correct version may simply compose conv2d_forward, a ReLU and maxpool2d_forward.
/// @param x (N, C, H, W)
/// @param w (F, C, KH, KW)
/// @param b (F) or empty
/// @param p the convolution's stride, padding, dilation
/// @param pool k, the pooling window and stride
/// @return out (N, F, PH, PW) with PH = floor(OH / k), PW = floor(OW / k), and the cache
/// @throws ShapeError naming "conv2d_relu_maxpool_forward" as conv2d_forward does, or if the pool does not fit.
ConvReluPoolResult conv2d_relu_maxpool_forward(const Tensor& x, const Tensor& w, const Tensor& b,
                                               const Conv2dParams& p, int pool);

/// Backward of the fused block: only a window's winner whose value passed the ReLU (argmax != -1)
/// receives that window's gradient; from that sparse convolution gradient, dW, db and (if need_dx) dX
/// follow as in conv2d_backward.
/// @param dout (N, F, PH, PW)
/// @param cache from conv2d_relu_maxpool_forward
/// @param need_dx false skips dx
/// @throws ShapeError naming "conv2d_relu_maxpool_backward" if dout does not match cache.out_shape.
Conv2dGrads conv2d_relu_maxpool_backward(const Tensor& dout, const ConvReluPoolCache& cache, bool need_dx = true);

}  // namespace wb
