// ./wb run 08 --recipe dcgan: the GAN a strong candidate would build in 2026 if asked for one on Fashion-MNIST,
// beside the source's two dense networks. A convolutional G that upsamples with your chapter 05 pixel shuffle,
// ProGAN's pixelwise normalisation in G (no batch statistics), a convolutional D with spectral normalisation on
// every weight, the hinge loss, DCGAN's Adam (2e-4, beta1 0.5) for both networks, one D step per G step, and
// samples from an exponential moving average of G's weights. Everything here is the framework's or your
// chapters' code: the framework's PixelNorm, SpectralNorm, LeakyReLU and hinge_loss, your conv2d (chapter 04,
// through Conv2D) and pixel_shuffle (chapter 05). Tried on the way (2 epochs each, the chapter page): without
// PixelNorm, G's tanh saturated at -1 (all-black samples) within the first epoch; G 1e-4 with D 4e-4 (TTUR)
// scored no better.
#pragma once
#include <memory>

#include "chapters/08_gan_program/gan_models.hpp"
#include "chapters/05_gan/gan_step.hpp"
#include "framework/layers.hpp"
#include "framework/losses.hpp"
#include "framework/model.hpp"
#include "framework/optim.hpp"
#include "layers/cnn_layers.hpp"
#include "layers/gan_layers.hpp"

namespace wb::dcgan {

inline constexpr float kGeneratorLr = 2e-4f, kDiscriminatorLr = 2e-4f, kBeta1 = 0.5f, kBeta2 = 0.999f;
/// The generator's weight average that samples and scores come from.
inline constexpr float kEmaBeta = 0.999f;

/// G: noise (N, 100) -> images (N, 1, 28, 28) in [-1, 1]. Dense to 64 maps of 7 x 7, then twice a 3 x 3
/// convolution to 4 times the channels and a pixel shuffle that doubles the size (7 -> 14 -> 28), then a
/// 3 x 3 convolution to one channel and tanh; ReLU and PixelNorm after each hidden layer. 409,233 parameters,
/// PyTorch's initialisation.
inline Sequential build_generator(Rng& rng) {
    const Conv2dParams same{1, 1};  // stride 1, padding 1: 3 x 3 keeps the size
    Sequential g;
    g.add<Dense>(kNoiseSize, 64 * 7 * 7, rng, Init::torch_default);
    g.add<ReLU>();
    g.add<Reshape>(Shape{64, 7, 7});
    g.add<PixelNorm>();
    g.add<Conv2D>(64, 4 * 32, 3, rng, same, Init::torch_default);
    g.add<PixelShuffle>(2);  // (N, 32, 14, 14)
    g.add<ReLU>();
    g.add<PixelNorm>();
    g.add<Conv2D>(32, 4 * 16, 3, rng, same, Init::torch_default);
    g.add<PixelShuffle>(2);  // (N, 16, 28, 28)
    g.add<ReLU>();
    g.add<PixelNorm>();
    g.add<Conv2D>(16, 1, 3, rng, same, Init::torch_default);
    g.add<Tanh>();
    return g;
}

/// D: images (N, 1, 28, 28) -> logits (N, 1). Two 3 x 3 convolutions of stride 2 (28 -> 14 -> 7; 64 and 128
/// channels) with LeakyReLU(0.2), then a dense layer to one logit; every weight spectrally normalised.
/// 80,769 parameters.
inline Sequential build_discriminator(Rng& rng) {
    const Conv2dParams halve{2, 1};  // stride 2, padding 1
    Sequential d;
    d.add<SpectralNorm>(std::make_unique<Conv2D>(1, 64, 3, rng, halve, Init::torch_default), rng);
    d.add<LeakyReLU>(0.2f);
    d.add<SpectralNorm>(std::make_unique<Conv2D>(64, 128, 3, rng, halve, Init::torch_default), rng);
    d.add<LeakyReLU>(0.2f);
    d.add<Flatten>();
    d.add<SpectralNorm>(std::make_unique<Dense>(128 * 7 * 7, 1, rng, Init::torch_default), rng);
    d.set_input_grad(true);  // G's step needs dL/d(fake) out of D
    return d;
}

/// One alternating step with the hinge loss, D then G, as chapter 05's gan_train_step is with the BCE losses:
///   D: minimise mean(max(0, 1 - D(x))) + mean(max(0, 1 + D(G(z)))), G(z) a constant;
///   G: minimise -mean(D(G(z))) through the updated D, only G stepped.
/// The losses reported are the two above; the accuracies count logits > 0 on real and < 0 on fake rows.
inline GanStepStats hinge_train_step(Sequential& generator, Sequential& discriminator, const Tensor& real,
                                     const Tensor& noise, Optimizer& g_optimizer, Optimizer& d_optimizer) {
    const int n = real.dim(0);
    const Tensor logits = discriminator.forward(concat_rows(real, generator.forward(noise)));
    const Tensor real_logits = slice_rows(logits, 0, n), fake_logits = slice_rows(logits, n, 2 * n);
    const LossResult on_real = hinge_loss(real_logits, 1.0f), on_fake = hinge_loss(fake_logits, -1.0f);
    discriminator.backward(concat_rows(on_real.grad, on_fake.grad));
    d_optimizer.step(discriminator.params());
    double real_right = 0, fake_right = 0;
    for (int i = 0; i < n; ++i) real_right += real_logits[i] > 0, fake_right += fake_logits[i] < 0;

    const Tensor g_logits = discriminator.forward(generator.forward(noise));
    double g_loss = 0;
    for (float z : g_logits) g_loss -= z / static_cast<double>(n);
    generator.backward(discriminator.backward(Tensor(g_logits.shape(), -1.0f / static_cast<float>(n))));
    g_optimizer.step(generator.params());
    return {on_real.loss + on_fake.loss, g_loss, real_right / n, fake_right / n};
}

}  // namespace wb::dcgan
