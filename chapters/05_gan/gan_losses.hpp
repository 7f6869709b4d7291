/// @file gan_losses.hpp
/// Exercises **BceWithLogits**, **DiscriminatorLoss** and **GeneratorLoss**: the losses of a GAN,
/// computed from the discriminator's logits (never from probabilities, which saturate in float).
///
/// Shapes: N = batch. Logits are D's raw outputs, (N, 1) or any shape; D(x) = sigmoid(logit).
#pragma once
#include "framework/losses.hpp"
#include "framework/tensor.hpp"

namespace wb {

/// Binary cross-entropy on logits z and targets y in [0, 1], the mean over all elements, as
/// `torch.nn.BCEWithLogitsLoss()`:
/// \f[ \ell(z, y) = -\big(y \log \sigma(z) + (1 - y) \log(1 - \sigma(z))\big)
///               = \max(z, 0) - z y + \log\big(1 + e^{-|z|}\big), \f]
/// the second form never overflows (e^{-|z|} <= 1) and never takes log(0).
/// \f[ \frac{\partial \ell}{\partial z} = \sigma(z) - y, \qquad \text{grad} = \frac{\sigma(z) - y}{n}. \f]
/// @param logits any shape, n elements (n > 0)
/// @param targets the same shape
/// @return the mean loss and its gradient with respect to logits (same shape).
/// @throws ShapeError naming "bce_with_logits" if the shapes differ or logits is empty.
LossResult bce_with_logits(const Tensor& logits, const Tensor& targets);

/// What discriminator_loss returns.
struct DiscriminatorLossResult {
    double loss;           ///< BCE(real, 1) + BCE(fake, 0), each a mean over its batch
    Tensor d_real;         ///< dL/d(real_logits), same shape
    Tensor d_fake;         ///< dL/d(fake_logits), same shape
    double real_accuracy;  ///< share of real logits > 0 (D says "real")
    double fake_accuracy;  ///< share of fake logits < 0 (D says "fake")
};

/// The discriminator's loss: real samples labelled 1, generated ones 0,
/// \f[ L_D = -\tfrac{1}{N_r}\textstyle\sum \log D(x) \;-\; \tfrac{1}{N_f}\sum \log\big(1 - D(G(z))\big), \f]
/// the sum of two BCE means (as the DCGAN recipe adds errD_real and errD_fake). A logit of exactly 0
/// counts as wrong for both accuracies.
/// @param real_logits D's logits on a real batch, (N_r, 1)
/// @param fake_logits D's logits on a generated batch, (N_f, 1)
/// @throws ShapeError naming "discriminator_loss" on an empty batch.
DiscriminatorLossResult discriminator_loss(const Tensor& real_logits, const Tensor& fake_logits);

/// The generator's loss, in the two forms of Goodfellow et al. (2014).
enum class GeneratorLoss {
    saturating,      ///< minimise  mean log(1 - D(G(z))): the minimax game as written
    non_saturating,  ///< minimise -mean log D(G(z)) = BCE(fake, 1): the form everyone trains with
};

/// The generator's loss on D's logits for generated samples, and its gradient with respect to them:
/// \f[ \text{saturating: } L = \tfrac{1}{N}\textstyle\sum \log(1 - \sigma(z)), \qquad
///     \frac{\partial L}{\partial z} = -\frac{\sigma(z)}{N}, \f]
/// \f[ \text{non-saturating: } L = -\tfrac{1}{N}\textstyle\sum \log \sigma(z), \qquad
///     \frac{\partial L}{\partial z} = \frac{\sigma(z) - 1}{N}. \f]
/// Early in training D rejects the fakes easily: z is very negative, \f$\sigma(z) \approx 0\f$, and the
/// saturating gradient vanishes exactly where the generator is worst; the non-saturating one is then
/// about -1/N. Compute \f$\log(1 - \sigma(z)) = -\operatorname{softplus}(z)\f$ stably.
/// @param fake_logits D's logits on generated samples, (N, 1) or any shape, not empty
/// @param kind saturating or non-saturating (the default)
/// @return the mean loss and dL/d(fake_logits), same shape.
/// @throws ShapeError naming "generator_loss" on an empty tensor.
LossResult generator_loss(const Tensor& fake_logits, GeneratorLoss kind = GeneratorLoss::non_saturating);

}  // namespace wb
