// How ./wb run 08 trains the source's GAN, shared by the program and by ./wb bench gan (bench/gan_bench.cpp),
// so that the benchmark times the step the program takes. bench/gan_torch.py and bench/gan_libtorch.cpp
// restate it for PyTorch and libtorch.
#pragma once
#include <vector>

#include "framework/losses.hpp"
#include "framework/model.hpp"
#include "framework/optim.hpp"

namespace wb::gan_recipe {

/// Adam's beta1 for every optimizer here: DCGAN's 0.5 (the chapter page explains why not 0.9).
inline constexpr float kBeta1 = 0.5f;
/// G learns 40 times faster than D: at 1e-4 for both, D wins and G collapses (the chapter page's trials).
inline constexpr float kGeneratorLr = 2e-3f, kDiscriminatorLr = 5e-5f;
/// G's second step, down the MMD to the real batch, with its own Adam at this rate (0 turns it off).
inline constexpr float kMmdLr = 5e-4f;
/// The MMD's Gaussian bandwidths, in units of the mean squared difference per pixel between two images in
/// [-1, 1] (wb::mmd_loss): two images of one garment differ by about 0.1-0.2 per pixel squared, of two garments
/// by about 0.3-0.6, so the middle kernel tells a crowd of one garment from a mix of several.
inline const std::vector<float> kMmdBandwidths{0.025f, 0.1f, 0.4f};

/// G's second step after chapter 05's gan_train_step: G(noise) is pulled towards the real batch and pushed
/// apart from itself by one step of `optimizer` down wb::mmd_loss(G(noise), real). D takes no part.
/// Returns the MMD^2 before the step. noise (N, 100); real (N, 1, 28, 28) in [-1, 1].
inline double mmd_step(Sequential& generator, const Tensor& noise, const Tensor& real, Optimizer& optimizer) {
    const LossResult mmd = mmd_loss(generator.forward(noise), real, kMmdBandwidths);
    generator.backward(mmd.grad);
    optimizer.step(generator.params());
    return mmd.loss;
}

}  // namespace wb::gan_recipe
