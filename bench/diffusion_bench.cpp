// Google Benchmark: chapter 10's denoising U-Net as ./wb run 10 trains it (layers/diffusion_layers' DenoisingUNet:
// width 16, 1000 steps, 10 classes and the null label; 163,713 parameters), reference kernels.
// unet_train_step: forward on a batch of 64 images (64, 1, 28, 28) with each image's step and label, the mean squared
// error against a target (denoising_loss, every weight 1), backward and an Adam step (lr 1e-3), as the program's loop.
// Run through ./wb bench diffusion, which times the same in PyTorch (bench/diffusion_torch.py) and libtorch
// (bench/diffusion_libtorch.cpp).
#include <cstddef>

#include <benchmark/benchmark.h>

#include "chapters/10_diffusion/loss.hpp"
#include "framework/optim.hpp"
#include "framework/random.hpp"
#include "layers/diffusion_layers.hpp"

using namespace wb;

namespace {

constexpr int kBatch = 64, kWidth = 16, kTotalSteps = 1000, kClasses = 10;
// the U-Net's size at width 16; the peers assert the same count, so that all three time the same model
constexpr std::size_t kParameters = 163713;

void unet_train_step(benchmark::State& state) {
    Rng rng(1);
    UNetConfig config;
    config.channels = kWidth;
    config.total_steps = kTotalSteps;
    config.classes = kClasses;
    DenoisingUNet unet(config, rng);
    std::size_t parameters = 0;
    for (const Param& p : unet.params()) parameters += p.value->size();
    state.counters["parameters"] = static_cast<double>(parameters);
    if (parameters != kParameters) {
        state.SkipWithError("the U-Net's parameter count is not the peers' 163713");
        return;
    }
    Adam adam(1e-3f);
    // one fixed batch: the noisy images (N, 1, 28, 28), the target, each image's step in [0, T) and label in [0, 10]
    const Tensor xt = Tensor::randn({kBatch, 1, 28, 28}, rng), target = Tensor::randn({kBatch, 1, 28, 28}, rng);
    Tensor steps({kBatch}), labels({kBatch});
    for (int n = 0; n < kBatch; ++n) {
        steps[n] = static_cast<float>(rng.below(kTotalSteps));
        labels[n] = static_cast<float>(rng.below(kClasses + 1));
    }
    const Tensor weights({kBatch}, 1.0f);
    const auto step = [&] {
        const DenoisingLoss loss = denoising_loss(unet.forward(xt, steps, labels), target, weights);
        unet.backward(loss.dprediction);
        adam.step(unet.params());
        return loss.loss;
    };
    for (int warm = 0; warm < 3; ++warm) step();
    for (auto _ : state) benchmark::DoNotOptimize(step());
}

}  // namespace

// One call per repetition; ./wb bench keeps the median of the 10, as the peers do.
BENCHMARK(unet_train_step)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(10);

// main() is bench_main.cpp's: it keeps freed memory for reuse, as the program does.
