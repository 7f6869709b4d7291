// Reference: the source's binary classifier and the corrected 10-class model.
#include "chapters/07_cnn_program/models.hpp"

#include "layers/cnn_layers.hpp"

namespace wb {

// Conv2D(32, 3x3) + ReLU, MaxPool 2x2, Flatten: (N, 1, 28, 28) -> (N, 32 * 13 * 13).
// init: Keras's Glorot for the source's model, PyTorch's default for the one compared with PyTorch.
static Sequential trunk(Rng& rng, Init init = Init::glorot_uniform) {
    Sequential model;
    model.add<Conv2D>(1, 32, 3, rng, Conv2dParams{}, init);
    model.add<ReLU>();
    model.add<MaxPool2D>(2);
    model.add<Flatten>();
    return model;
}

Sequential build_binary_model(Rng& rng) {
    Sequential model = trunk(rng);
    model.add<Dense>(32 * 13 * 13, 1, rng);
    model.add<Sigmoid>();  // one probability: a yes/no answer
    return model;
}

Sequential build_ten_class_model(Rng& rng) {
    Sequential model = trunk(rng, Init::torch_default);
    model.add<Dense>(32 * 13 * 13, 10, rng, Init::torch_default);  // logits; the softmax lives in the loss
    return model;
}

}  // namespace wb
