// Google Benchmark: the chapter 07 kernels at the chapter 07 shapes, and one training epoch.
// Run through ./wb bench cnn, which also times the same cases in PyTorch (bench/cnn_torch.py)
// and prints one JSON line per case with the ratio.
#include <benchmark/benchmark.h>

#include "chapters/04_cnn/conv.hpp"
#include "chapters/04_cnn/pool.hpp"
#include "chapters/07_cnn_program/models.hpp"
#include "chapters/07_cnn_program/training.hpp"
#include "framework/data.hpp"
#include "layers/cnn_layers.hpp"
#include "framework/random.hpp"
#include "framework/training.hpp"

using namespace wb;

namespace {

constexpr int kBatch = 32;

// x (32, 1, 28, 28), w (32, 1, 3, 3): the chapter 07 convolution
struct ConvInputs {
    Rng rng{1};
    Tensor x = Tensor::uniform({kBatch, 1, 28, 28}, rng, 0, 1);
    Tensor w = Tensor::randn({32, 1, 3, 3}, rng, 0.3f);
    Tensor b = Tensor::randn({32}, rng, 0.1f);
    Tensor dout = Tensor::randn({kBatch, 32, 26, 26}, rng);
};

// The kernel cases time one call per repetition (Iterations(1)), 200 repetitions, and ./wb bench keeps
// their median: the statistic bench/cnn_torch.py takes of PyTorch's calls (the median of 200 single
// calls), which a hiccup of this shared machine during one call does not move. Inputs are built once.
const ConvInputs& conv_inputs() {
    static const ConvInputs in;
    return in;
}

void conv_forward(benchmark::State& state) {
    const ConvInputs& in = conv_inputs();
    for (auto _ : state) benchmark::DoNotOptimize(conv2d_forward(in.x, in.w, in.b));
}

void conv_backward(benchmark::State& state) {  // dW and db only, as for a first layer
    const ConvInputs& in = conv_inputs();
    for (auto _ : state) benchmark::DoNotOptimize(conv2d_backward(in.dout, in.x, in.w, true, {}, false));
}

void maxpool_forward(benchmark::State& state) {
    static const Tensor x = [] {
        Rng rng(2);
        return Tensor::randn({kBatch, 32, 26, 26}, rng);
    }();
    for (auto _ : state) benchmark::DoNotOptimize(maxpool2d_forward(x, 2, 2));
}

void maxpool_backward(benchmark::State& state) {
    static Rng rng(3);
    static const MaxPoolResult r = maxpool2d_forward(Tensor::randn({kBatch, 32, 26, 26}, rng), 2, 2);
    static const Tensor dout = Tensor::randn(r.out.shape(), rng);
    for (auto _ : state) benchmark::DoNotOptimize(maxpool2d_backward(dout, r.cache));
}

// One epoch of the source's binary model on all 60000 Fashion-MNIST training images, batch 32, Adam 1e-3.
void train_epoch_binary(benchmark::State& state) {
    static const Dataset data = load_fashion_mnist();
    static const Tensor targets = footwear_targets(data.train_y);
    for (auto _ : state) {
        Rng rng(7);
        Sequential model = build_binary_model(rng);
        if (state.range(0)) fuse_conv_relu_pool(model);
        Adam adam(1e-3f);
        FitOptions o;
        o.progress = false;
        const StepFn step = [&](const Tensor& x, const Tensor& y) { return train_step(model, x, y, bce_loss, adam); };
        benchmark::DoNotOptimize(fit(model, data.train_x, targets, step, bce_loss, {}, o));
    }
}

}  // namespace

constexpr int kCalls = 200;
BENCHMARK(conv_forward)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(kCalls);
BENCHMARK(conv_backward)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(kCalls);
BENCHMARK(maxpool_forward)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(kCalls);
BENCHMARK(maxpool_backward)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(kCalls);
// Arg 1: with the fused Conv2D+ReLU+MaxPool2D block (what ./wb run 07 trains with), 0: three layers.
BENCHMARK(train_epoch_binary)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
