// Google Benchmark: chapter 08's GAN as ./wb run 08 trains it (the source's networks, D with minibatch
// standard deviations, batch 64, D then G with chapter 05's gan_train_step, then G's MMD step: the recipe in
// programs/08_gan_program/recipe.hpp), reference kernels. gan_step: one step on a fixed batch; gan_epoch: one
// epoch over the 60000 training images. Run through ./wb bench gan,
// which times the same in PyTorch (bench/gan_torch.py) and libtorch (bench/gan_libtorch.cpp).
#include <algorithm>
#include <numeric>

#include <benchmark/benchmark.h>

#include "chapters/05_gan/gan_step.hpp"
#include "chapters/08_gan_program/gan_data.hpp"
#include "chapters/08_gan_program/gan_models.hpp"
#include "framework/data.hpp"
#include "framework/random.hpp"
#include "layers/cnn_layers.hpp"
#include "programs/08_gan_program/recipe.hpp"

using namespace wb;

namespace {

struct Gan {
    Rng rng{1};
    Sequential generator = build_generator(rng), discriminator = build_discriminator(rng);
    Adam g_opt{gan_recipe::kGeneratorLr, gan_recipe::kBeta1}, d_opt{gan_recipe::kDiscriminatorLr, gan_recipe::kBeta1},
        mmd_opt{gan_recipe::kMmdLr, gan_recipe::kBeta1};
    // D's conv, ReLU and pool in one pass, as ./wb run 08 trains it
    Gan() { fuse_conv_relu_pool(discriminator); }
    GanStepStats step(const Tensor& real, const Tensor& noise, bool with_mmd = true) {
        const GanStepStats stats = gan_train_step(generator, discriminator, real, noise, g_opt, d_opt);
        if (with_mmd) gan_recipe::mmd_step(generator, noise, real, mmd_opt);
        return stats;
    }
};

void time_steps(benchmark::State& state, bool with_mmd) {
    Gan gan;
    const Tensor real = Tensor::uniform({kGanBatch, 1, 28, 28}, gan.rng, -1.0f, 1.0f);
    const Tensor noise = Tensor::randn({kGanBatch, kNoiseSize}, gan.rng);
    for (int warm = 0; warm < 3; ++warm) gan.step(real, noise, with_mmd);
    for (auto _ : state) benchmark::DoNotOptimize(gan.step(real, noise, with_mmd));
}

void gan_step(benchmark::State& state) { time_steps(state, true); }
void gan_step_without_mmd(benchmark::State& state) { time_steps(state, false); }

// The loop of ./wb run 08 without its scoring and pictures: shuffle, then batches of real rows and fresh noise.
void gan_epoch(benchmark::State& state) {
    static const Tensor images = to_tanh_range(load_fashion_mnist().train_x);
    for (auto _ : state) {
        Gan gan;
        std::vector<int> order(static_cast<std::size_t>(images.dim(0)));
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), gan.rng.engine());
        for (int begin = 0; begin + kGanBatch <= images.dim(0); begin += kGanBatch) {
            const std::vector<int> rows(order.begin() + begin, order.begin() + begin + kGanBatch);
            benchmark::DoNotOptimize(gan.step(take_rows(images, rows), Tensor::randn({kGanBatch, kNoiseSize}, gan.rng)));
        }
    }
}

}  // namespace

// One step per repetition; ./wb bench keeps the median of the 30, as bench/gan_torch.py does.
BENCHMARK(gan_step)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(30);
// Ours only, not in ./wb bench gan: the step without G's MMD step, for what that step costs
// (build/bench/bench_gan --benchmark_filter=gan_step --benchmark_report_aggregates_only=true).
BENCHMARK(gan_step_without_mmd)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(30);
BENCHMARK(gan_epoch)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
