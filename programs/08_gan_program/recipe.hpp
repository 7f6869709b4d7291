// How ./wb run 08 trains the source's GAN, shared by the program and by ./wb bench gan (bench/gan_bench.cpp),
// so that the benchmark times the step the program takes. bench/gan_torch.py and bench/gan_libtorch.cpp
// restate it for PyTorch and libtorch.
#pragma once
#include <vector>

#include "chapters/08_gan_program/mmd.hpp"
#include "framework/model.hpp"
#include "framework/optim.hpp"

namespace wb::gan_recipe {

/// Adam's beta1 for every optimizer here: DCGAN's 0.5 (the chapter page explains why not 0.9).
inline constexpr float kBeta1 = 0.5f;
/// G learns 40 times faster than D: at 1e-4 for both, D wins and G collapses (the chapter page's trials).
inline constexpr float kGeneratorLr = 2e-3f, kDiscriminatorLr = 5e-5f;
/// G's second step, down the MMD to the real batch, with its own Adam at this rate (0 turns it off).
inline constexpr float kMmdLr = 1e-3f;
/// The MMD's Gaussian bandwidths h (mmd_loss, chapter 08's exercise MmdLoss), in units of the mean squared
/// difference per pixel between two images in [-1, 1]. Over 20,000 random pairs of training images, two of one
/// class differ by 0.37 (median; 10-90%: 0.17-0.76), two of different classes by 0.70 (0.35-1.13): the widest
/// kernel weighs a typical same-class pair 2.3 times a cross-class one (e^-0.91 against e^-1.76), the two
/// narrower ones respond to near copies, which is where a crowd of generated images sits.
inline const std::vector<float> kMmdBandwidths{0.025f, 0.1f, 0.4f};

/// G's second step after chapter 05's gan_train_step: G(noise) is pulled towards the real batch and pushed
/// apart from itself by one step of `optimizer` down your mmd_loss(G(noise), real). D takes no part.
/// Returns the MMD^2 before the step. noise (N, 100); real (N, 1, 28, 28) in [-1, 1].
inline double mmd_step(Sequential& generator, const Tensor& noise, const Tensor& real, Optimizer& optimizer) {
    const LossResult mmd = mmd_loss(generator.forward(noise), real, kMmdBandwidths);
    generator.backward(mmd.grad);
    optimizer.step(generator.params());
    return mmd.loss;
}

}  // namespace wb::gan_recipe
