// Exercises BceWithLogits, DiscriminatorLoss and GeneratorLoss. Contracts and math: gan_losses.hpp. Grade: ./wb grade 05
#include "chapters/05_gan/gan_losses.hpp"

#include <algorithm>
#include <cmath>

#include "framework/layers.hpp"

namespace wb {

LossResult bce_with_logits(const Tensor& logits, const Tensor& targets) {
    // TODO: per element l = max(z, 0) - z y + log(1 + e^-|z|)   (std::log1p, std::exp)
    //       loss = mean of l;  grad = (sigmoid(z) - y) / n      (wb::sigmoid is stable)
    //       Shapes must match and be non-empty (ShapeError naming "bce_with_logits").
    // Worked example: z = 0, y = 1 gives l = log 2 = 0.6931 and dl/dz = -0.5.
    // Never compute log(sigmoid(z)) directly: for z = -100 sigmoid is 0 in float and the log is -inf.
    throw NotImplemented("bce_with_logits");
}

DiscriminatorLossResult discriminator_loss(const Tensor& real_logits, const Tensor& fake_logits) {
    // TODO: loss = BCE(real_logits, ones) + BCE(fake_logits, zeros)  (your bce_with_logits, twice)
    //       d_real, d_fake: the two gradients;  accuracies: share of real > 0, share of fake < 0.
    //       Empty batches throw ShapeError naming "discriminator_loss".
    throw NotImplemented("discriminator_loss");
}

LossResult generator_loss(const Tensor& fake_logits, GeneratorLoss kind) {
    // TODO: softplus(z) = max(z, 0) + log(1 + e^-|z|)
    //       saturating:      loss = mean(-softplus(z)),  grad = -sigmoid(z) / n
    //       non-saturating:  loss = mean(softplus(-z)),  grad = (sigmoid(z) - 1) / n
    //       An empty tensor throws ShapeError naming "generator_loss".
    // Worked example: z = -10 (D is sure the sample is fake): saturating grad -4.5e-5 / n,
    // non-saturating -0.99995 / n. That ratio is the whole point of the non-saturating loss.
    throw NotImplemented("generator_loss");
}

}  // namespace wb
