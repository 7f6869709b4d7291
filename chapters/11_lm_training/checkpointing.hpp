/// @file checkpointing.hpp
/// Exercise **ActivationCheckpointing**: a stack of layers that holds one segment's activations at a time and pays
/// for it with one more forward pass in the backward (Chen et al., 2016, "Training Deep Nets with Sublinear Memory
/// Cost"; torch.utils.checkpoint).
#pragma once
#include <string>
#include <vector>

#include "framework/layers.hpp"

namespace wb {

/// Runs L layers in order, y = f_L(... f_1(x)), in segments of k consecutive layers: [0, k), [k, 2k), ..., the last
/// one shorter when k does not divide L.
///
/// forward(x) keeps only each segment's input, and calls release_activations() on a segment's layers as soon as
/// the segment has run, so what the layers keep for their backward is never held for more than one segment.
/// backward(dout) goes through the segments from the last to the first: it runs the segment's forward again from
/// its kept input (so its layers keep what they need once more), back-propagates through its layers in reverse,
/// releases them and drops the segment's input. Every segment, the last one included, runs forward twice. (PyTorch's
/// checkpoint_sequential keeps the last segment's activations instead: one forward fewer, one segment more held.)
///
/// Memory, with layers that each keep about one activation a: plain backpropagation holds L a; checkpointing holds
/// the L / k kept inputs plus one segment's k a, smallest at k = sqrt(L): about 2 sqrt(L) a, for one extra forward.
/// The gradients are those of the plain stack bit for bit: the same kernels run again on the same inputs. (A layer
/// that draws random numbers in its forward, as dropout does, would need its generator's state replayed too.)
///
/// The layers are not owned; they must outlive the stack. Parameters stay the layers' own (params() is empty).
class CheckpointedStack : public Layer {
public:
    /// @param layers the L >= 1 layers, none null, each one's output the next one's input
    /// @param segment k >= 1 layers per segment (k >= L: one segment, no memory saved)
    /// @throws ShapeError naming "CheckpointedStack" on no layers, a null layer or k < 1.
    CheckpointedStack(std::vector<Layer*> layers, int segment);
    /// "CheckpointedStack"
    std::string name() const override { return "CheckpointedStack"; }
    /// x: the first layer's input -> the last layer's output. Keeps the input of every segment.
    Tensor forward(Tensor x) override;
    /// dout: the shape of the last forward's output -> dL/dx (what the first layer returns). Sets every layer's
    /// parameter gradients. One backward per forward: the kept inputs are dropped as it goes.
    /// @throws std::logic_error naming "CheckpointedStack::backward" when no forward is waiting for its backward.
    Tensor backward(Tensor dout) override;

private:
    std::vector<Layer*> layers_;
    int segment_;
    std::vector<Tensor> segment_inputs_;  // the input of each segment run by the last forward, first segment first
};

}  // namespace wb
