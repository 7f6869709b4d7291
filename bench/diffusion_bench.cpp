// Google Benchmark: chapter 10's denoising U-Net as ./wb run 10 trains it (layers/diffusion_layers' DenoisingUNet:
// width 16, 1000 steps, 10 classes and the null label; 163,713 parameters), reference kernels.
// unet_train_step: forward on a batch of 64 images (64, 1, 28, 28) with each image's step and label, the mean squared
// error against a target (denoising_loss, every weight 1), backward and an Adam step (lr 1e-3), as the program's loop.
// Run through ./wb bench diffusion, which times the same in PyTorch (bench/diffusion_torch.py) and libtorch
// (bench/diffusion_libtorch.cpp).
// fma_peak: this machine's float multiply-add rate with no memory traffic, on 1 and 2 threads. The step's convolution
// arithmetic (counter "flops") over that rate is the least time any implementation of the step could take.
#include <cstddef>
#include <thread>
#include <vector>

#include <immintrin.h>

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
    state.counters["flops"] = unet.training_step_conv_flops(kBatch, 28, 28);
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

// Chains of a = a m + c, 12 independent ones per thread so that each FMA unit always has one ready, on `threads`
// threads (the argument). Counter "flops": the operations of one call, all threads (2 per multiply-add and lane).
void fma_peak(benchmark::State& state) {
#if defined(__AVX512F__)
    using Vector = __m512;
    const auto splat = [](float v) { return _mm512_set1_ps(v); };
    const auto fma = [](Vector a, Vector b, Vector c) { return _mm512_fmadd_ps(a, b, c); };
    const auto first = [](Vector v) { return _mm512_cvtss_f32(v); };
#elif defined(__FMA__)
    using Vector = __m256;
    const auto splat = [](float v) { return _mm256_set1_ps(v); };
    const auto fma = [](Vector a, Vector b, Vector c) { return _mm256_fmadd_ps(a, b, c); };
    const auto first = [](Vector v) { return _mm256_cvtss_f32(v); };
#else
    state.SkipWithError("built without FMA instructions (cmake -DWB_NATIVE=ON)");
    return;
#endif
#if defined(__AVX512F__) || defined(__FMA__)
    constexpr int kChains = 12, kRounds = 1 << 22;
    const int threads = static_cast<int>(state.range(0));
    const auto chains = [&] {
        Vector a[kChains];
        for (int i = 0; i < kChains; ++i) a[i] = splat(1.0f + 1e-3f * static_cast<float>(i));
        const Vector m = splat(0.999999f), c = splat(1e-7f);
        for (int r = 0; r < kRounds; ++r)
#pragma GCC unroll 12
            for (int i = 0; i < kChains; ++i) a[i] = fma(a[i], m, c);
        float kept = 0.0f;
        for (int i = 0; i < kChains; ++i) kept += first(a[i]);
        benchmark::DoNotOptimize(kept);
    };
    for (auto _ : state) {
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t) workers.emplace_back(chains);
        for (std::thread& w : workers) w.join();
    }
    state.counters["flops"] = 2.0 * (sizeof(Vector) / sizeof(float)) * kChains * kRounds * threads;
#endif
}

}  // namespace

// One call per repetition; ./wb bench keeps the median of the 10, as the peers do.
BENCHMARK(unet_train_step)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(10);
BENCHMARK(fma_peak)->Unit(benchmark::kMillisecond)->Arg(1)->Arg(2)->Iterations(1)->Repetitions(5);

// main() is bench_main.cpp's: it keeps freed memory for reuse, as the program does.
