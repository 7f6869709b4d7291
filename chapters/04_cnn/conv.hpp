/// @file conv.hpp
/// Exercises **Conv2dNaive**, **Conv2dIm2col** and **Conv2dBackward**: the 2-D convolution
/// (really a cross-correlation, as in every framework), forward two ways and backward.
///
/// Shapes (PyTorch's): N = batch, C = input channels, H, W = input size, F = filters,
/// KH, KW = kernel size, OH, OW = output size (see conv_output_size). float32, row-major.
#pragma once
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

}  // namespace wb
