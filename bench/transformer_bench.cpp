// Google Benchmark: chapter 09's GPT as ./wb run 09 trains it (layers/transformer_layers: vocabulary 114, width 128,
// 4 blocks of 4 query and 2 key/value heads, SwiGLU 352, untied head), reference kernels.
// gpt_train_step: forward, cross-entropy, backward and an Adam step on 16 windows of 128 tokens;
// gpt_decode_512: 32 greedy decode steps through the KV cache, from a 480-token prompt (prefilled, untimed) to 512;
// gpt_recompute_512 (ours only): the same 32 tokens without the cache, each step running the whole sequence again.
// Run through ./wb bench transformer, which times the same in PyTorch (bench/transformer_torch.py) and libtorch
// (bench/transformer_libtorch.cpp).
#include <vector>

#include <benchmark/benchmark.h>

#include "chapters/09_transformer/sampling.hpp"
#include "framework/losses.hpp"
#include "framework/optim.hpp"
#include "framework/random.hpp"
#include "layers/transformer_layers.hpp"

using namespace wb;

namespace {

constexpr int kPrompt = 480, kNewTokens = 32;

Gpt make_gpt(Rng& rng) {
    GptConfig config;
    config.vocab = 114;
    return Gpt(config, rng);
}

Tensor random_ids(int n, int t, Rng& rng) {
    Tensor ids({n, t});
    for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<float>(rng.below(114));
    return ids;
}

/// The greedy token after the last position of logits (1, T, V).
int greedy_last(const Tensor& logits) {
    const int T = logits.dim(1), V = logits.dim(2);
    Tensor last({V});
    for (int v = 0; v < V; ++v) last[static_cast<std::size_t>(v)] = logits(0, T - 1, v);
    return sample_greedy(last).token;
}

void gpt_train_step(benchmark::State& state) {
    Rng rng(1);
    Gpt gpt = make_gpt(rng);
    Adam adam(2e-3f);
    const Tensor ids = random_ids(16, 129, rng);
    Tensor inputs({16, 128}), targets({16, 128});
    for (int n = 0; n < 16; ++n)
        for (int t = 0; t < 128; ++t) inputs(n, t) = ids(n, t), targets(n, t) = ids(n, t + 1);
    const auto step = [&] {
        const LossResult loss = sequence_cross_entropy_loss(gpt.forward(inputs), targets);
        gpt.backward(loss.grad);
        adam.step(gpt.params());
        return loss.loss;
    };
    for (int warm = 0; warm < 3; ++warm) step();
    for (auto _ : state) benchmark::DoNotOptimize(step());
}

void gpt_decode_512(benchmark::State& state) {
    Rng rng(1);
    Gpt gpt = make_gpt(rng);
    const Tensor prompt = random_ids(1, kPrompt, rng);
    for (auto _ : state) {
        state.PauseTiming();
        std::vector<KvCache> caches = gpt.make_caches(1, kPrompt + kNewTokens);
        Tensor logits = gpt.forward_cached(prompt, caches);
        state.ResumeTiming();
        for (int step = 0; step < kNewTokens; ++step)
            logits = gpt.forward_cached(Tensor({1, 1}, static_cast<float>(greedy_last(logits))), caches);
        benchmark::DoNotOptimize(logits.data());
    }
}

void gpt_recompute_512(benchmark::State& state) {
    Rng rng(1);
    Gpt gpt = make_gpt(rng);
    const Tensor prompt = random_ids(1, kPrompt, rng);
    for (auto _ : state) {
        std::vector<float> ids(prompt.begin(), prompt.end());
        for (int step = 0; step < kNewTokens; ++step) {
            Tensor sequence({1, static_cast<int>(ids.size())});
            std::copy(ids.begin(), ids.end(), sequence.begin());
            ids.push_back(static_cast<float>(greedy_last(gpt.forward(sequence))));
        }
        benchmark::DoNotOptimize(ids.data());
    }
}

}  // namespace

// One call per repetition; ./wb bench keeps the median of the 10, as the peers do.
BENCHMARK(gpt_train_step)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(10);
BENCHMARK(gpt_decode_512)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(10);
BENCHMARK(gpt_recompute_512)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3);

// main() is bench_main.cpp's: it keeps freed memory for reuse, as the program does.
