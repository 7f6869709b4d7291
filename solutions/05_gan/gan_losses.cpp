// Reference: BCE on logits, the discriminator's loss and the generator's two losses.
#include "chapters/05_gan/gan_losses.hpp"

#include <algorithm>
#include <cmath>

#include "framework/layers.hpp"

namespace wb {

namespace {

// softplus(z) = log(1 + e^z) = max(z, 0) + log(1 + e^-|z|): never overflows, never log(0)
double softplus(float z) { return std::max(z, 0.0f) + std::log1p(std::exp(-std::abs(z))); }

}  // namespace

LossResult bce_with_logits(const Tensor& logits, const Tensor& targets) {
    if (logits.shape() != targets.shape()) shape_mismatch("bce_with_logits", "logits", logits, "targets", targets, "must match");
    if (logits.empty()) throw ShapeError("bce_with_logits: logits " + to_string(logits.shape()) + " is empty");
    const double n = static_cast<double>(logits.size());
    // l = max(z, 0) - z y + log(1 + e^-|z|) = softplus(z) - z y;   dl/dz = sigmoid(z) - y
    double sum = 0.0;
    Tensor grad(logits.shape());
    for (std::size_t i = 0; i < logits.size(); ++i) {
        const float z = logits[i], y = targets[i];
        sum += softplus(z) - static_cast<double>(z) * y;
        grad[i] = static_cast<float>((sigmoid(z) - y) / n);
    }
    return {sum / n, grad};
}

DiscriminatorLossResult discriminator_loss(const Tensor& real_logits, const Tensor& fake_logits) {
    if (real_logits.empty() || fake_logits.empty())
        shape_mismatch("discriminator_loss", "real_logits", real_logits, "fake_logits", fake_logits, "neither may be empty");
    // real samples are labelled 1, generated ones 0; the two means add up
    const LossResult real = bce_with_logits(real_logits, Tensor(real_logits.shape(), 1.0f));
    const LossResult fake = bce_with_logits(fake_logits, Tensor(fake_logits.shape(), 0.0f));
    int real_right = 0, fake_right = 0;
    for (float z : real_logits) real_right += z > 0.0f;
    for (float z : fake_logits) fake_right += z < 0.0f;
    return {real.loss + fake.loss, real.grad, fake.grad, static_cast<double>(real_right) / real_logits.size(),
            static_cast<double>(fake_right) / fake_logits.size()};
}

LossResult generator_loss(const Tensor& fake_logits, GeneratorLoss kind) {
    if (fake_logits.empty()) throw ShapeError("generator_loss: fake_logits " + to_string(fake_logits.shape()) + " is empty");
    const double n = static_cast<double>(fake_logits.size());
    double sum = 0.0;
    Tensor grad(fake_logits.shape());
    for (std::size_t i = 0; i < fake_logits.size(); ++i) {
        const float z = fake_logits[i];
        if (kind == GeneratorLoss::saturating) {
            // log(1 - sigmoid(z)) = -softplus(z);   d/dz = -sigmoid(z): about 0 when D rejects the fake
            sum -= softplus(z);
            grad[i] = static_cast<float>(-sigmoid(z) / n);
        } else {
            // -log sigmoid(z) = softplus(-z);   d/dz = sigmoid(z) - 1: about -1 when D rejects the fake
            sum += softplus(-z);
            grad[i] = static_cast<float>((sigmoid(z) - 1.0f) / n);
        }
    }
    return {sum / n, grad};
}

}  // namespace wb
