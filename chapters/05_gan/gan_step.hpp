/// @file gan_step.hpp
/// Exercise **AlternatingStep**: one training step of a GAN, the discriminator first with the generator
/// fixed, then the generator through a discriminator that is not updated.
///
/// Shapes: N = batch, Z = noise size; the generator maps (N, Z) to samples shaped like the real batch,
/// the discriminator maps a batch of samples to logits (N, 1).
#pragma once
#include "chapters/05_gan/gan_losses.hpp"
#include "framework/model.hpp"
#include "framework/optim.hpp"

namespace wb {

/// What one step measured, before its updates took effect.
struct GanStepStats {
    double d_loss;         ///< discriminator_loss of the D step
    double g_loss;         ///< generator_loss of the G step
    double real_accuracy;  ///< D's accuracy on the real batch (D step)
    double fake_accuracy;  ///< D's accuracy on the generated batch (D step)
};

/// One alternating step:
/// 1. **D step.** fake = G(noise), used as a constant (no gradient reaches G). Run D on real and on
///    fake, take discriminator_loss, back-propagate through D only and call `d_optimizer.step` on D's
///    parameters. Layers overwrite their gradients on each backward pass, so feed real and fake through
///    D as one concatenated batch (real rows first): one forward, one backward, and D's gradient is
///    the sum of both halves.
/// 2. **G step.** Run G on the same noise again and D on its output (with D's new weights), take
///    generator_loss, back-propagate through D into G (D's gradients are computed on the way but never
///    applied) and call `g_optimizer.step` on G's parameters only.
/// @param generator G: noise (N, Z) -> samples shaped like `real`
/// @param discriminator D: samples -> logits (N, 1)
/// @param real a batch of real samples (N, ...)
/// @param noise (N, Z)
/// @param g_optimizer steps G's parameters, once, in the G step
/// @param d_optimizer steps D's parameters, once, in the D step
/// @param kind the generator's loss (non-saturating by default)
/// @return the two losses and D's two accuracies, as measured in the steps.
/// @throws ShapeError naming "gan_train_step" if G's output does not have the real batch's shape.
/// PyTorch: the DCGAN training loop: `errD = BCE(D(real), 1) + BCE(D(G(z).detach()), 0)`; `optD.step()`;
/// `errG = BCE(D(G(z)), 1)`; `optG.step()`.
GanStepStats gan_train_step(Sequential& generator, Sequential& discriminator, const Tensor& real, const Tensor& noise,
                            Optimizer& g_optimizer, Optimizer& d_optimizer,
                            GeneratorLoss kind = GeneratorLoss::non_saturating);

}  // namespace wb
