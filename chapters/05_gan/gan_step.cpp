// Exercise AlternatingStep. Contracts and math: gan_step.hpp. Grade: ./wb grade 05
#include "chapters/05_gan/gan_step.hpp"

namespace wb {

GanStepStats gan_train_step(Sequential& generator, Sequential& discriminator, const Tensor& real, const Tensor& noise,
                            Optimizer& g_optimizer, Optimizer& d_optimizer, GeneratorLoss kind) {
    // TODO: 1. D step. Generate the fakes from the noise; check they have the real batch's shape
    //          (ShapeError naming "gan_train_step"). Run D once on real and fake stacked (concat_rows,
    //          real first), split the logits again (slice_rows), take your discriminator_loss, send both
    //          halves' gradients back through D in one backward pass, and step D's optimizer.
    //       2. G step. Generate again from the same noise, run the updated D on it, take your
    //          generator_loss(kind), and back-propagate through D into G; step only G's optimizer.
    //       D must return its input gradient for step 2: a model's first layer may skip it unless
    //       discriminator.set_input_grad(true) asks for it.
    //       Return the losses and D's accuracies of the D step.
    throw NotImplemented("gan_train_step");
}

}  // namespace wb
