// Graded tests for exercise ActivationCheckpointing. No golden: the expected values are the plain stack's, run by the
// framework's own layers on both sides (forward through every layer, then backward), and its bytes measured by the
// framework's tensor-byte counter (live_tensor_bytes, peak_tensor_bytes).
#include <memory>
#include <stdexcept>
#include <vector>

#include "chapters/11_lm_training/checkpointing.hpp"
#include "framework/layers.hpp"
#include "framework/random.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {

/// A layer that counts its forward passes, around a framework layer.
class ForwardCounter : public Layer {
public:
    explicit ForwardCounter(std::unique_ptr<Layer> inner) : inner_(std::move(inner)) {}
    std::string name() const override { return inner_->name(); }
    Tensor forward(Tensor x) override {
        ++forwards;
        return inner_->forward(std::move(x));
    }
    Tensor backward(Tensor dout) override { return inner_->backward(std::move(dout)); }
    std::vector<Param> params() override { return inner_->params(); }
    void release_activations() override { inner_->release_activations(); }
    int forwards = 0;

private:
    std::unique_ptr<Layer> inner_;
};

/// 2 * pairs layers, Dense(width, width) then Tanh, each counted; weights drawn from `rng`.
std::vector<std::unique_ptr<ForwardCounter>> checkpoint_test_mlp(int pairs, int width, Rng& rng) {
    std::vector<std::unique_ptr<ForwardCounter>> layers;
    for (int p = 0; p < pairs; ++p) {
        layers.push_back(std::make_unique<ForwardCounter>(std::make_unique<Dense>(width, width, rng)));
        layers.push_back(std::make_unique<ForwardCounter>(std::make_unique<Tanh>()));
    }
    return layers;
}

/// What a forward and backward through the stack give, and what they cost.
struct StackRun {
    Tensor y, dx;
    std::vector<Tensor> grads;  ///< every parameter gradient, first layer first
    std::vector<int> forwards;  ///< forward passes of each layer
    double peak_bytes = 0;      ///< the most tensor bytes alive at once, above those alive before the forward
};

template <class Forward, class Backward>
StackRun measured_stack_run(std::vector<std::unique_ptr<ForwardCounter>>& layers, const Tensor& x, const Tensor& dout,
                            Forward forward, Backward backward) {
    StackRun run;
    const std::size_t before = live_tensor_bytes();
    reset_peak_tensor_bytes();
    run.y = forward(x);
    run.dx = backward(dout);
    run.peak_bytes = static_cast<double>(peak_tensor_bytes() - before);
    for (auto& layer : layers) {
        run.forwards.push_back(layer->forwards);
        for (const Param& p : layer->params()) run.grads.push_back(*p.grad);
    }
    return run;
}

/// The plain stack: forward through every layer, each keeping its activations, then backward. Framework code only.
StackRun plain_stack_run(int pairs, int width, const Tensor& x, const Tensor& dout, Rng rng) {
    auto layers = checkpoint_test_mlp(pairs, width, rng);
    return measured_stack_run(
        layers, x, dout,
        [&](Tensor h) {
            for (auto& layer : layers) h = layer->forward(std::move(h));
            return h;
        },
        [&](Tensor d) {
            for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) d = (*layer)->backward(std::move(d));
            return d;
        });
}

/// The same stack (the same weights, from a copy of the same rng) through CheckpointedStack with segments of k.
inline StackRun checkpointed_stack_run(int pairs, int width, int segment, const Tensor& x, const Tensor& dout, Rng rng) {
    auto layers = checkpoint_test_mlp(pairs, width, rng);
    std::vector<Layer*> pointers;
    for (auto& layer : layers) pointers.push_back(layer.get());
    CheckpointedStack stack(pointers, segment);
    return measured_stack_run(
        layers, x, dout, [&](Tensor h) { return stack.forward(std::move(h)); },
        [&](Tensor d) { return stack.backward(std::move(d)); });
}

void expect_same_bits(const StackRun& got, const StackRun& plain, int segment) {
    EXPECT_TENSOR_NEAR(got.y, plain.y, tol::kExact) << "segments of " << segment << ": the output";
    EXPECT_TENSOR_NEAR(got.dx, plain.dx, tol::kExact) << "segments of " << segment << ": dL/dx";
    ASSERT_EQ(got.grads.size(), plain.grads.size());
    for (std::size_t i = 0; i < plain.grads.size(); ++i)
        EXPECT_TENSOR_NEAR(got.grads[i], plain.grads[i], tol::kExact) << "segments of " << segment << ": parameter gradient " << i;
}

}  // namespace

GRADED_TEST(ActivationCheckpointing, SameGradientsBitForBit, 3,
            "Recomputing a segment's forward from its kept input runs the same kernels on the same values: the output, "
            "dL/dx and every weight's gradient equal plain backpropagation's exactly, for segments of 1, 3 (not dividing "
            "L = 8), 8 and 20.") {
    Rng rng(1107);
    const int pairs = 4, width = 12;
    const Tensor x = Tensor::randn({5, width}, rng), dout = Tensor::randn({5, width}, rng);
    const StackRun plain = plain_stack_run(pairs, width, x, dout, rng);
    for (int segment : {1, 3, 8, 20})
        expect_same_bits(LEARNER(checkpointed_stack_run(pairs, width, segment, x, dout, rng)), plain, segment);
}

GRADED_TEST(ActivationCheckpointing, OneExtraForwardPerLayer, 1,
            "Every layer runs forward twice, once in the forward and once in the backward, whatever the segment "
            "length: recomputing from the stack's input for every segment would cost L^2 / 2k forwards.") {
    Rng rng(1108);
    const int pairs = 4, width = 6;
    const Tensor x = Tensor::randn({3, width}, rng), dout = Tensor::randn({3, width}, rng);
    for (int segment : {1, 3, 8}) {
        const StackRun run = LEARNER(checkpointed_stack_run(pairs, width, segment, x, dout, rng));
        EXPECT_EQ(run.forwards, std::vector<int>(2 * pairs, 2)) << "segments of " << segment;
    }
}

GRADED_TEST(ActivationCheckpointing, HoldsAboutTwoRootLActivations, 3,
            "16 layers that each keep one activation a: plain backpropagation holds all 16 at its peak, plus its "
            "working tensors; segments of 4 keep 4 inputs plus one segment's 4. Measured with the framework's "
            "tensor-byte counter: the peak must stay under 11 a (and under 60% of plain's).") {
    Rng rng(1109);
    const int pairs = 8, width = 64, batch = 32;
    const Tensor x = Tensor::randn({batch, width}, rng), dout = Tensor::randn({batch, width}, rng);
    const double activation = 4.0 * batch * width;  // bytes of one (batch, width) float tensor
    const double plain_peak = plain_stack_run(pairs, width, x, dout, rng).peak_bytes;
    const double peak = LEARNER(checkpointed_stack_run(pairs, width, 4, x, dout, rng)).peak_bytes;
    EXPECT_LT(peak / activation, 11.0) << "plain backpropagation's peak is " << plain_peak / activation << " a";
    EXPECT_LT(peak / plain_peak, 0.6);
}

GRADED_TEST(ActivationCheckpointing, BadInput, 1,
            "No layers, a null layer or segments of 0 is a ShapeError naming CheckpointedStack; a backward with no "
            "forward before it (or a second one after it) is a std::logic_error.") {
    Tanh tanh_layer;
    EXPECT_SHAPE_ERROR(CheckpointedStack({}, 1), "CheckpointedStack");
    EXPECT_SHAPE_ERROR(CheckpointedStack({&tanh_layer, nullptr}, 1), "CheckpointedStack");
    EXPECT_SHAPE_ERROR(CheckpointedStack({&tanh_layer}, 0), "CheckpointedStack");
    EXPECT_THROW(CheckpointedStack({&tanh_layer}, 1).backward(Tensor({2}, 1.0f)), std::logic_error);
    EXPECT_THROW(
        [&] {
            CheckpointedStack stack({&tanh_layer}, 1);
            stack.backward(stack.forward(Tensor({2}, 0.5f)));
            stack.backward(Tensor({2}, 1.0f));
        }(),
        std::logic_error);
}
