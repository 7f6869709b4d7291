// Google Benchmark: the LSTM (chapter 03) and multi-head self-attention (chapter 01) reference kernels,
// forward + backward, at the shapes of issue "LSTM: chapter 03". Run through ./wb bench lstm and
// ./wb bench attention, which time the same cases in PyTorch (bench/seq_torch.py) and libtorch
// (bench/seq_libtorch.cpp) and print one JSON line per case with the ratio.
#include <benchmark/benchmark.h>

#include "chapters/01_attention/multihead.hpp"
#include "chapters/03_lstm/lstm_sequence.hpp"
#include "framework/random.hpp"

using namespace wb;

namespace {

struct LstmInputs {
    Tensor x, h0, c0, dout, dh_n, dc_n;
    LstmWeights w;
    LstmInputs(int B, int T, int I, int H) {
        Rng rng(1);
        const float bound = 1.0f / std::sqrt(static_cast<float>(H));  // PyTorch's initialisation
        w = {Tensor::uniform({4 * H, I}, rng, -bound, bound), Tensor::uniform({4 * H, H}, rng, -bound, bound),
             Tensor::uniform({4 * H}, rng, -bound, bound), Tensor::uniform({4 * H}, rng, -bound, bound)};
        x = Tensor::randn({B, T, I}, rng), h0 = Tensor::randn({B, H}, rng), c0 = Tensor::randn({B, H}, rng);
        dout = Tensor::randn({B, T, H}, rng), dh_n = Tensor::randn({B, H}, rng), dc_n = Tensor::randn({B, H}, rng);
    }
};

// Forward and backward of one LSTM layer: every gradient (x, h0, c0, the four weight tensors).
void lstm(benchmark::State& state, const LstmInputs& in) {
    for (auto _ : state) {
        const LstmSequenceResult r = lstm_forward(in.x, in.h0, in.c0, in.w);
        benchmark::DoNotOptimize(lstm_backward(in.dout, in.dh_n, in.dc_n, r.cache, in.w));
    }
}

void lstm_small(benchmark::State& state) {
    static const LstmInputs in(32, 50, 32, 128);
    lstm(state, in);
}

void lstm_large(benchmark::State& state) {
    static const LstmInputs in(64, 100, 64, 256);
    lstm(state, in);
}

struct AttentionInputs {
    Tensor x, dout;
    MultiHeadWeights w;
    AttentionInputs(int B, int L, int E, int heads) {
        Rng rng(2);
        const float bound = std::sqrt(6.0f / (2 * E));  // Glorot, as nn.MultiheadAttention's in_proj
        w = {heads,
             Tensor::uniform({E, E}, rng, -bound, bound),
             Tensor::uniform({E, E}, rng, -bound, bound),
             Tensor::uniform({E, E}, rng, -bound, bound),
             Tensor::randn({E}, rng, 0.1f),
             Tensor::randn({E}, rng, 0.1f),
             Tensor::randn({E}, rng, 0.1f),
             Tensor::uniform({E, E}, rng, -bound, bound),
             Tensor::randn({E}, rng, 0.1f)};
        x = Tensor::randn({B, L, E}, rng), dout = Tensor::randn({B, L, E}, rng);
    }
};

// Self-attention (query = key = value = x), forward and backward: every input and parameter gradient.
void attention(benchmark::State& state, const AttentionInputs& in) {
    for (auto _ : state) {
        const MultiHeadResult r = multihead_forward(in.x, in.x, in.x, in.w);
        benchmark::DoNotOptimize(multihead_backward(in.dout, r.cache, in.w));
    }
}

void attention_small(benchmark::State& state) {
    static const AttentionInputs in(32, 64, 128, 8);
    attention(state, in);
}

void attention_large(benchmark::State& state) {
    static const AttentionInputs in(8, 256, 256, 8);
    attention(state, in);
}

}  // namespace

// One call per repetition; ./wb bench keeps the median of the repetitions, as bench/seq_torch.py does.
BENCHMARK(lstm_small)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(30);
BENCHMARK(lstm_large)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(10);
BENCHMARK(attention_small)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(30);
BENCHMARK(attention_large)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(10);

BENCHMARK_MAIN();
