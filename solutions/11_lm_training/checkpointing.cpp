// Reference: activation checkpointing, one segment's activations held at a time.
#include "chapters/11_lm_training/checkpointing.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace wb {

CheckpointedStack::CheckpointedStack(std::vector<Layer*> layers, int segment) : layers_(std::move(layers)), segment_(segment) {
    if (layers_.empty() || segment < 1)
        throw ShapeError("CheckpointedStack: needs at least one layer and segments of at least one, got " +
                         std::to_string(layers_.size()) + " layers in segments of " + std::to_string(segment));
    for (const Layer* layer : layers_)
        if (layer == nullptr) throw ShapeError("CheckpointedStack: a layer is null");
}

Tensor CheckpointedStack::forward(Tensor x) {
    const int L = static_cast<int>(layers_.size());
    segment_inputs_.clear();
    for (int first = 0; first < L; first += segment_) {
        const int end = std::min(first + segment_, L);
        segment_inputs_.push_back(x);  // the one activation this segment keeps
        for (int l = first; l < end; ++l) x = layers_[l]->forward(std::move(x));
        for (int l = first; l < end; ++l) layers_[l]->release_activations();
    }
    return x;
}

Tensor CheckpointedStack::backward(Tensor dout) {
    if (segment_inputs_.empty())
        throw std::logic_error("CheckpointedStack::backward: no forward is waiting for its backward");
    const int L = static_cast<int>(layers_.size());
    for (int s = static_cast<int>(segment_inputs_.size()) - 1; s >= 0; --s) {
        const int first = s * segment_, end = std::min(first + segment_, L);
        // recompute: the segment's layers keep what their backward needs again
        Tensor x = std::move(segment_inputs_.back());
        segment_inputs_.pop_back();
        for (int l = first; l < end; ++l) x = layers_[l]->forward(std::move(x));
        x = Tensor();  // the segment's output: its gradient is dout, the value itself is not needed
        for (int l = end - 1; l >= first; --l) dout = layers_[l]->backward(std::move(dout));
        for (int l = first; l < end; ++l) layers_[l]->release_activations();
    }
    return dout;
}

}  // namespace wb
