// The fast inner pieces of a convolution layer, on raw buffers: an im2col of one image, its adjoint,
// and a ReLU + max-pool pass over one convolution plane. Chapter 04's reference calls them so that it
// reads as the steps of its header; their speed (bounds found once per kernel column, a branch-free
// 2x2 pool) lives here, tested against plain loops in tests/framework/conv_kernels_test.cpp.
#pragma once

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

/// ReLU of the max over each non-overlapping pool x pool window of one plane (OH, OW), plus a bias:
/// out[i, j] = max(0, bias + max over the window at (i pool, j pool)), for i < PH = OH / pool, j < PW = OW / pool.
/// argmax[i, j] = base + the plane index of the window's first maximum in row-major order, or -1
/// where the ReLU cut the value to 0 (no gradient flows back there).
void relu_maxpool_plane(const float* plane, int OW, int pool, int PH, int PW, float bias, int base, float* out,
                        int* argmax);

}  // namespace wb
