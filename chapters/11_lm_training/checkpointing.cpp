// Exercise ActivationCheckpointing. Contracts and math: checkpointing.hpp. Grade: ./wb grade 11
#include "chapters/11_lm_training/checkpointing.hpp"

namespace wb {

CheckpointedStack::CheckpointedStack(std::vector<Layer*> layers, int segment) : layers_(std::move(layers)), segment_(segment) {
    // TODO: reject no layers, a null layer or segment < 1 (ShapeError naming "CheckpointedStack").
    throw NotImplemented("CheckpointedStack::CheckpointedStack");
}

Tensor CheckpointedStack::forward(Tensor x) {
    // TODO: for each segment [first, min(first + k, L)): keep a copy of x in segment_inputs_, run the segment's
    //       layers (x = layer->forward(std::move(x))), then release_activations() on each of them. Return x.
    throw NotImplemented("CheckpointedStack::forward");
}

Tensor CheckpointedStack::backward(Tensor dout) {
    // TODO: no kept inputs -> std::logic_error. For each segment from the last: forward again from its kept input
    //       (the output is not needed, the layers' saved activations are), then dout = layer->backward(dout) through
    //       its layers in reverse, release them, drop the segment's input. Return dout.
    // Worked example: L = 4, k = 2 runs forward f1 f2 | f3 f4, keeps x and f2(...); backward runs f3 f4 again,
    //       back through f4 f3, then f1 f2 again, back through f2 f1: six forwards in all, never more than two
    //       layers' activations held.
    throw NotImplemented("CheckpointedStack::backward");
}

}  // namespace wb
