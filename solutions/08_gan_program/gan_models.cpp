// Reference: the source's generator and discriminator.
#include "chapters/08_gan_program/gan_models.hpp"

#include "framework/layers.hpp"
#include "layers/cnn_layers.hpp"

namespace wb {

Sequential build_generator(Rng& rng) {
    Sequential g;
    g.add<Dense>(kNoiseSize, 128, rng, Init::torch_default);  // (N, 100) -> (N, 128)
    g.add<ReLU>();
    g.add<Dense>(128, 28 * 28, rng, Init::torch_default);     // -> (N, 784)
    g.add<Tanh>();                                             // in [-1, 1], the range of the real images
    g.add<Reshape>(Shape{1, 28, 28});                          // -> (N, 1, 28, 28)
    return g;
}

Sequential build_discriminator(Rng& rng, bool minibatch_stddev) {
    Sequential d;
    d.add<Conv2D>(1, 64, 3, rng, Conv2dParams{}, Init::torch_default);  // -> (N, 64, 26, 26)
    d.add<ReLU>();
    d.add<MaxPool2D>(2);                                                 // -> (N, 64, 13, 13)
    d.add<Flatten>();                                                    // -> (N, 10816)
    int features = 64 * 13 * 13;
    if (minibatch_stddev) {
        // each feature's spread over the group, next to the feature: a batch of look-alikes shows
        d.add<MinibatchStddev>(kStddevGroup);                            // -> (N, 21632): 128 channels of 13x13
        features *= 2;
        // each channel's spread of means over the group: look-alikes made different by noise still show
        d.add<ChannelStddev>(kStddevGroup, 128);                         // -> (N, 21760)
        features += 128;
    }
    d.add<Dense>(features, 1, rng, Init::torch_default);                 // -> (N, 1), a logit
    return d;
}

}  // namespace wb
