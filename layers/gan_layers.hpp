// Layers whose kernels are chapter 05 exercises, built once per flavour like cnn_layers (layers/CMakeLists.txt):
// gan_layers_learner on the learner's chapter 05, gan_layers_reference on the reference.
#pragma once
#include "chapters/05_gan/pixel_shuffle.hpp"
#include "framework/layers.hpp"

namespace wb {

/// Depth-to-space upsampling: x (N, C r^2, H, W) -> (N, C, H r, W r). Calls pixel_shuffle and
/// pixel_shuffle_backward (chapter 05); a convolution before it makes the C r^2 channels.
class PixelShuffle : public Layer {
public:
    explicit PixelShuffle(int upscale) : upscale_(upscale) {}
    std::string name() const override { return "PixelShuffle"; }
    Tensor forward(Tensor x) override { return pixel_shuffle(x, upscale_); }
    Tensor backward(Tensor dout) override { return pixel_shuffle_backward(dout, upscale_); }
    Shape output_shape(const Shape& input) const override {
        return {input.at(0), input.at(1) / (upscale_ * upscale_), input.at(2) * upscale_, input.at(3) * upscale_};
    }

private:
    int upscale_;
};

}  // namespace wb
