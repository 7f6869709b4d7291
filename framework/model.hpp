// Sequential: a stack of layers run in order (training loops: framework/training.hpp).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "framework/layers.hpp"
#include "framework/losses.hpp"
#include "framework/optim.hpp"

namespace wb {

class Sequential {
public:
    /// Appends a layer and returns a reference to it, e.g. auto& fc = model.add<Dense>(4, 2, rng);
    template <class L, class... Args>
    L& add(Args&&... args) {
        auto layer = std::make_unique<L>(std::forward<Args>(args)...);
        L& ref = *layer;
        add_layer(std::move(layer));
        return ref;
    }
    void add_layer(std::unique_ptr<Layer> layer) {
        layer->needs_input_grad = !layers_.empty() || input_grad_;
        layers_.push_back(std::move(layer));
    }

    /// Whether backward must return dL/d(input). Off by default: nothing before a model's first layer needs
    /// it, so that layer may skip it (Conv2D does). A GAN's discriminator needs it on: the generator learns
    /// through it. Kept across add_layer and replace_layers (layer fusion).
    void set_input_grad(bool wanted) {
        input_grad_ = wanted;
        if (!layers_.empty()) layers_.front()->needs_input_grad = wanted;
    }

    Tensor forward(const Tensor& x);
    /// Back-propagates dL/d(output) through every layer; returns dL/d(input) (empty if the first layer
    /// skipped it: see set_input_grad).
    Tensor backward(const Tensor& dout);
    std::vector<Param> params();
    std::size_t parameter_count();
    std::size_t size() const { return layers_.size(); }
    /// Replaces layers [first, first + count) by one layer (e.g. a fused block); it computes its input
    /// gradient unless it becomes the first layer of a model without set_input_grad(true).
    void replace_layers(std::size_t first, std::size_t count, std::unique_ptr<Layer> layer);
    Layer& layer(std::size_t i) { return *layers_.at(i); }

    /// A Keras-like table: layer, output shape, parameter count, for an input of shape `input`.
    std::string summary(const Shape& input);

private:
    std::vector<std::unique_ptr<Layer>> layers_;
    bool input_grad_ = false;
};

}  // namespace wb
