// The fast inner pieces of a convolution layer, on raw buffers: an im2col of one image, its adjoint,
// and a ReLU + max-pool pass over one convolution plane. Chapter 04's reference calls them so that it
// reads as the steps of its header; their speed (bounds found once per kernel column, a branch-free
// 2x2 pool) lives here, tested against plain loops in tests/framework/conv_kernels_test.cpp.
#pragma once
#include <cstddef>
#include <vector>

namespace wb {

/// The sizes of one 2-D convolution of one image.
struct ConvShape {
    int C, H, W;                     ///< image (C, H, W)
    int KH, KW;                      ///< kernel
    int stride, padding, dilation;
    int OH, OW;                      ///< output: (H + 2 padding - dilation (KH - 1) - 1) / stride + 1, the same for W
};

/// cols (C*KH*KW, OH*OW) from image (C, H, W):
/// cols[(c KH + u) KW + v, i OW + j] = image[c, i stride + u dilation - padding, j stride + v dilation - padding],
/// 0 where that position lies in the padding.
void im2col_image(const float* image, const ConvShape& s, float* cols);

/// The adjoint of im2col_image: adds every entry of cols (C*KH*KW, OH*OW) to the image (C, H, W)
/// pixel it was copied from; entries that came from the padding are dropped.
void col2im_image_add(const float* cols, const ConvShape& s, float* image);

/// The buffers of conv_image and conv_image_input_gradient, kept by one thread across its images.
struct ConvScratch {
    std::vector<float> padded, wide, cols, flipped;
    std::vector<std::ptrdiff_t> rows;
};

/// out (F, OH*OW) = W (F, C*KH*KW) im2col(image) (C*KH*KW, OH*OW), overwritten.
/// Stride 1 with more rows of columns than the planes copied instead (C*KH*KW > C + F): the columns are never built
/// (chapter 10's U-Net). The image is copied once into zero-padded planes of width Wp = W + 2
/// padding, where row (c, u, v) of the columns is the copy read from c Hp Wp + u dilation Wp + v dilation on, so one
/// product (gemm_offset_rows) computes every output row on the padded width; the Wp - OW extra columns of each row
/// are dropped. Otherwise (a stride of 2; one input channel, as chapter 07's first layer): im2col_image, then gemm.
void conv_image(const float* w, int F, const float* image, const ConvShape& s, ConvScratch& scratch, float* out);

/// dw (F, C*KH*KW) += dO (F, OH*OW) im2col(image)^T, the weight gradient of conv_image for one image.
/// Where conv_image reads the columns in place, so does this, as dW^T (C*KH*KW, F) = X (C*KH*KW, Q) dO_wide^T
/// (Q, F), where X's rows lie in the padded copy and dO_wide is dO on the padded width (Q = OH Wp), zero in the extra
/// columns. Otherwise: im2col_image, then gemm.
void conv_image_weight_gradient(const float* dout, int F, const float* image, const ConvShape& s, ConvScratch& scratch,
                                float* dw);

/// dimage (C, H, W) = col2im(W^T dO), the input gradient of conv_image, for dO (F, OH*OW); overwritten.
/// Stride 1 with a square kernel, padding <= (KH - 1) dilation, F*KH*KW > F + C and C >= 8: a convolution of dO
/// (conv_image, in place) with the kernel
/// flipped and its two channel axes swapped, flipped[c, f, u, v] = W[f, c, KH-1-u, KW-1-v], at padding
/// (KH - 1) dilation - padding, which gives back H x W. Others: W^T dO, then col2im_image_add.
void conv_image_input_gradient(const float* w, int F, const float* dout, const ConvShape& s, ConvScratch& scratch,
                               float* dimage);

/// ReLU of the max over each non-overlapping pool x pool window of one plane (OH, OW), plus a bias:
/// out[i, j] = max(0, bias + max over the window at (i pool, j pool)), for i < PH = OH / pool, j < PW = OW / pool.
/// argmax[i, j] = base + the plane index of the window's first maximum in row-major order, or -1
/// where the ReLU cut the value to 0 (no gradient flows back there).
void relu_maxpool_plane(const float* plane, int OW, int pool, int PH, int PW, float bias, int base, float* out,
                        int* argmax);

}  // namespace wb
