// Reference: one alternating GAN step, D then G.
#include "chapters/05_gan/gan_step.hpp"

namespace wb {

GanStepStats gan_train_step(Sequential& generator, Sequential& discriminator, const Tensor& real, const Tensor& noise,
                            Optimizer& g_optimizer, Optimizer& d_optimizer, GeneratorLoss kind) {
    // G's step needs dL/d(fake) out of D, which a model's first layer may otherwise skip
    discriminator.set_input_grad(true);

    // 1. D step: the fakes are a constant here, so nothing flows into G.
    const Tensor fake = generator.forward(noise);
    if (fake.shape() != real.shape())
        shape_mismatch("gan_train_step", "G(noise)", fake, "real", real, "the generator must produce samples shaped like the real batch");
    const int n_real = real.dim(0), n_all = n_real + fake.dim(0);
    // one batch, real rows first: one forward and one backward give D the gradient of both halves
    const Tensor logits = discriminator.forward(concat_rows(real, fake));
    const DiscriminatorLossResult d = discriminator_loss(slice_rows(logits, 0, n_real), slice_rows(logits, n_real, n_all));
    discriminator.backward(concat_rows(d.d_real, d.d_fake));
    d_optimizer.step(discriminator.params());

    // 2. G step: through the updated D, which is not stepped again; only G's parameters move.
    const Tensor fake_logits = discriminator.forward(generator.forward(noise));
    const LossResult g = generator_loss(fake_logits, kind);
    generator.backward(discriminator.backward(g.grad));
    g_optimizer.step(generator.params());
    return {d.loss, g.loss, d.real_accuracy, d.fake_accuracy};
}

}  // namespace wb
