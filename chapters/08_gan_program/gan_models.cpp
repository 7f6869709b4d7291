// Exercise GanModels. Contracts: gan_models.hpp. Grade: ./wb grade 08
#include "chapters/08_gan_program/gan_models.hpp"

#include "framework/layers.hpp"
#include "layers/cnn_layers.hpp"

namespace wb {

Sequential build_generator(Rng& rng) {
    // TODO: Dense(100 -> 128), ReLU, Dense(128 -> 784), Tanh, Reshape to (1, 28, 28); Init::torch_default.
    // Worked example: Sequential g; g.add<Dense>(kNoiseSize, 128, rng, Init::torch_default); ...
    throw NotImplemented("build_generator");
}

Sequential build_discriminator(Rng& rng, bool minibatch_stddev) {
    // TODO: Conv2D(1 -> 64, 3x3), ReLU, MaxPool2D(2), Flatten, then, if minibatch_stddev, MinibatchStddev(kStddevGroup)
    //       and ChannelStddev(kStddevGroup, 128), then Dense(features -> 1) (10816 features; twice that after
    //       MinibatchStddev, 128 more after ChannelStddev); Init::torch_default. No sigmoid at the end: the
    //       chapter 05 losses take logits.
    throw NotImplemented("build_discriminator");
}

}  // namespace wb
