// The denoising network of chapter 10: a small convolutional U-Net conditioned on the step and the class, on the
// learner's chapter 04 convolution, chapter 05 pixel shuffle and chapter 10 time embedding (chapter 01's sinusoidal
// encoding underneath). Built once per flavour, as cnn_layers.
#pragma once
#include <vector>

#include "chapters/04_cnn/conv.hpp"
#include "chapters/10_diffusion/time_embedding.hpp"
#include "framework/layers.hpp"
#include "framework/random.hpp"

namespace wb {

/// The sizes of a DenoisingUNet.
struct UNetConfig {
    int image_channels = 1;  ///< channels of the images (1 for Fashion-MNIST)
    int channels = 32;       ///< C, the width at full resolution; 2C at half and quarter resolution
    int total_steps = 1000;  ///< T, the schedule's length: the steps the time embedding encodes
    int classes = 10;        ///< labels 0 .. classes-1; the label `classes` is "no label" (classifier-free guidance)
};

/// A 3x3 convolution, padding 1, with its gradients: conv2d_forward / conv2d_backward.
struct UNetConv {
    Tensor w, b, dw, db;  ///< (F, C, 3, 3), (F), and their gradients
    int stride = 1;       ///< 2 halves the resolution
};

/// What a residual block's backward needs from its forward.
struct UNetResCache {
    Tensor x, a1, z1, a2;  ///< the input, SiLU(x), conv1(a1) + P c, SiLU(z1)
};

/// A residual block conditioned on a vector per image (the step's and the class's embedding):
///   y = x + conv2(SiLU(conv1(SiLU(x)) + P c))
/// where P c, the conditioning projected to the block's channels (Dense: P (C, Cc), bias (C)), is added to every pixel
/// of its channel. conv2 starts at zero, so that every block starts as the identity.
struct UNetResBlock {
    UNetConv conv1, conv2;
    Tensor p, pb, dp, dpb;  ///< (C, Cc), (C), and their gradients
};

/// The denoising network: images x (N, Ci, H, W) with H and W multiples of 4, each image's step and label ->
/// (N, Ci, H, W), the predicted noise (or velocity). The conditioning c = time_embedding(step) + class_table[label],
/// Cc = 2C features. Layout, with skip connections by concatenation:
///   conv_in (Ci -> C) -> block1 (C, H) -> down1 (stride 2, C -> 2C) -> block2 (2C, H/2) -> down2 (stride 2) ->
///   mid (2C, H/4) -> up2 (conv 2C -> 8C, pixel_shuffle 2) ++ block2 -> merge2 (4C -> 2C) -> block3 (2C, H/2) ->
///   up1 (conv 2C -> 4C, pixel_shuffle 2) ++ block1 -> merge1 (2C -> C) -> block4 (C, H) -> SiLU -> conv_out (C -> Ci)
/// Convolutions start He-normal; conv_out and every block's conv2 start at zero.
class DenoisingUNet {
public:
    DenoisingUNet(const UNetConfig& config, Rng& rng);
    /// x (N, Ci, H, W); steps (N) integers in [0, T); labels (N) integers in [0, classes] (classes: no label).
    /// @throws ShapeError naming "DenoisingUNet::forward" on a bad shape or label (the steps: as the time embedding).
    Tensor forward(const Tensor& x, const Tensor& steps, const Tensor& labels);
    /// dout (N, Ci, H, W) -> sets every parameter's gradient (the images' gradient is not needed).
    void backward(const Tensor& dout);
    std::vector<Param> params();
    /// The arithmetic of the convolutions in one training step on N images of H x W, 2 operations per multiply-add:
    /// the forward, and the backward's dW and dX (conv_in's dX is not computed). The rest of a step (SiLU, the
    /// conditioning, the loss, Adam) is a few passes over memory and is left out. Width 16, 64 images of 28 x 28:
    /// 11.34 GFLOP, the number ./wb bench diffusion divides by the step's time.
    double training_step_conv_flops(int N, int H, int W) const;

    UNetConfig config;
    TimeMlp time;                           ///< the time embedding's MLP (E = C, H = 2C, D = 2C)
    TimeMlpGrads time_grads;
    Tensor class_table, class_table_grad;   ///< (classes + 1, 2C)
    UNetConv conv_in, down1, down2, up2, merge2, up1, merge1, conv_out;
    UNetResBlock block1, block2, mid, block3, block4;

private:
    // what backward needs from the last forward: the conditioning's inputs, and every convolution's input
    Tensor steps_, labels_, cond_;
    Tensor x_, block1_out_, block2_out_, mid_out_, concat2_, block3_out_, concat1_, block4_out_, out_activation_;
    UNetResCache block1_cache_, block2_cache_, mid_cache_, block3_cache_, block4_cache_;
};

}  // namespace wb
