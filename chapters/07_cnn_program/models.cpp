// Exercise BuildModels. Contracts: models.hpp. Grade: ./wb grade 07
#include "chapters/07_cnn_program/models.hpp"

#include "layers/cnn_layers.hpp"

namespace wb {

Sequential build_binary_model(Rng& rng) {
    // TODO: Sequential model;
    //       model.add<Conv2D>(1, 32, 3, rng);  model.add<ReLU>();  model.add<MaxPool2D>(2);
    //       model.add<Flatten>();  ... then a Dense from 32 * 13 * 13 inputs to 1, and a Sigmoid.
    //       return model;
    throw NotImplemented("build_binary_model");
}

Sequential build_ten_class_model(Rng& rng) {
    // TODO: the same trunk, then Dense to 10 outputs and no activation (the loss applies the softmax).
    //       Pass Init::torch_default to the Conv2D and the Dense (see models.hpp for why).
    throw NotImplemented("build_ten_class_model");
}

}  // namespace wb
