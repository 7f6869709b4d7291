// Google Benchmark: one training step of chapter 08's GAN (the source's networks, batch 64, D then G with
// chapter 05's gan_train_step), reference kernels. Run through ./wb bench gan, which times the same step
// in PyTorch (bench/gan_torch.py) and libtorch (bench/gan_libtorch.cpp).
#include <benchmark/benchmark.h>

#include "chapters/05_gan/gan_step.hpp"
#include "chapters/08_gan_program/gan_models.hpp"
#include "framework/random.hpp"
#include "layers/cnn_layers.hpp"

using namespace wb;

namespace {

void gan_step(benchmark::State& state) {
    Rng rng(1);
    Sequential generator = build_generator(rng), discriminator = build_discriminator(rng);
    fuse_conv_relu_pool(discriminator);  // D's conv, ReLU and pool in one pass, as ./wb run 08 trains it
    Adam g_opt(1e-4f, 0.5f), d_opt(1e-4f, 0.5f);
    const Tensor real = Tensor::uniform({64, 1, 28, 28}, rng, -1.0f, 1.0f);
    const Tensor noise = Tensor::randn({64, kNoiseSize}, rng);
    for (int warm = 0; warm < 3; ++warm) gan_train_step(generator, discriminator, real, noise, g_opt, d_opt);
    for (auto _ : state) benchmark::DoNotOptimize(gan_train_step(generator, discriminator, real, noise, g_opt, d_opt));
}

}  // namespace

// One step per repetition; ./wb bench keeps the median of the 30, as bench/gan_torch.py does.
BENCHMARK(gan_step)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(30);

BENCHMARK_MAIN();
