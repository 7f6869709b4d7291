// The libtorch side of ./wb bench transformer: chapter 09's GPT (bench/transformer_bench.cpp's cases) in PyTorch's C++
// API, the formulas of programs/09_transformer/twin_torch.py. Built only when Debian's libtorch-dev is installed.
//   bench_transformer_libtorch CASE THREADS MKLDNN [REPEATS]  ->  {"case": ..., "threads": T, "mkldnn": M, "ms": median}
// CASE gpt_train_step: forward, cross-entropy, backward and an Adam step on 16 windows of 128 tokens;
// CASE gpt_decode_512: 32 greedy decode steps with a KV cache after a 480-token prompt (prefilled, untimed).
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "libtorch_timing.hpp"

namespace {

constexpr int kVocab = 114, kWidth = 128, kLayers = 4, kHeads = 4, kKvHeads = 2, kHidden = 352;
constexpr int kHeadDim = kWidth / kHeads;

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& gain) {
    return x * torch::rsqrt(x.pow(2).mean(-1, true) + 1e-6) * gain;
}

/// x (N, H, T, Dh) at positions start .. start+T-1, the half-split pairing.
torch::Tensor rope(const torch::Tensor& x, int64_t start) {
    const int64_t T = x.size(2), half = kHeadDim / 2;
    auto theta = torch::pow(10000.0, -torch::arange(0, half, torch::kFloat64) * 2.0 / kHeadDim);
    auto angle = torch::arange(start, start + T, torch::kFloat64).unsqueeze(1) * theta.unsqueeze(0);
    auto cos = angle.cos().to(torch::kFloat32), sin = angle.sin().to(torch::kFloat32);
    auto first = x.narrow(-1, 0, half), second = x.narrow(-1, half, half);
    return torch::cat({first * cos - second * sin, first * sin + second * cos}, -1);
}

struct Block {
    torch::Tensor attention_norm, w_q, w_k, w_v, w_o, ffn_norm, w_gate, w_up, w_down;
};

struct Gpt {
    torch::Tensor table, final_norm, head;
    std::vector<Block> blocks;

    Gpt() {
        const auto normal = [](std::vector<int64_t> shape) { return (torch::randn(shape) * 0.02).requires_grad_(true); };
        const auto ones = [] { return torch::ones({kWidth}).requires_grad_(true); };
        table = normal({kVocab, kWidth});
        for (int l = 0; l < kLayers; ++l)
            blocks.push_back({ones(), normal({kWidth, kWidth}), normal({kKvHeads * kHeadDim, kWidth}),
                              normal({kKvHeads * kHeadDim, kWidth}), normal({kWidth, kWidth}), ones(),
                              normal({kHidden, kWidth}), normal({kHidden, kWidth}), normal({kWidth, kHidden})});
        final_norm = ones();
        head = normal({kVocab, kWidth});
    }

    std::vector<torch::Tensor> parameters() const {
        std::vector<torch::Tensor> all{table, final_norm, head};
        for (const Block& b : blocks)
            for (const auto& p : {b.attention_norm, b.w_q, b.w_k, b.w_v, b.w_o, b.ffn_norm, b.w_gate, b.w_up, b.w_down})
                all.push_back(p);
        return all;
    }

    /// ids (N, T) -> logits (N, T, V); with a cache (per block: keys and values so far, or undefined), the ids
    /// follow the cached positions and the cache grows.
    torch::Tensor forward(const torch::Tensor& ids, std::vector<std::pair<torch::Tensor, torch::Tensor>>* cache) const {
        const int64_t N = ids.size(0), T = ids.size(1);
        const int64_t start = cache && (*cache)[0].first.defined() ? (*cache)[0].first.size(2) : 0;
        auto x = table.index_select(0, ids.reshape({-1})).reshape({N, T, kWidth});
        auto mask = torch::ones({T, start + T}, torch::kBool).triu(start + 1);
        for (int l = 0; l < kLayers; ++l) {
            const Block& b = blocks[l];
            auto a = rms_norm(x, b.attention_norm);
            auto q = rope(a.matmul(b.w_q.t()).view({N, T, kHeads, kHeadDim}).transpose(1, 2), start);
            auto k = rope(a.matmul(b.w_k.t()).view({N, T, kKvHeads, kHeadDim}).transpose(1, 2), start);
            auto v = a.matmul(b.w_v.t()).view({N, T, kKvHeads, kHeadDim}).transpose(1, 2);
            if (cache) {
                auto& [ck, cv] = (*cache)[l];
                if (ck.defined()) k = torch::cat({ck, k}, 2), v = torch::cat({cv, v}, 2);
                ck = k, cv = v;
            }
            k = k.repeat_interleave(kHeads / kKvHeads, 1);
            v = v.repeat_interleave(kHeads / kKvHeads, 1);
            auto scores = q.matmul(k.transpose(-1, -2)) / std::sqrt(static_cast<double>(kHeadDim));
            auto attended = scores.masked_fill(mask, -INFINITY).softmax(-1).matmul(v);
            x = x + attended.transpose(1, 2).reshape({N, T, kWidth}).matmul(b.w_o.t());
            auto h = rms_norm(x, b.ffn_norm);
            x = x + (torch::silu(h.matmul(b.w_gate.t())) * h.matmul(b.w_up.t())).matmul(b.w_down.t());
        }
        return rms_norm(x, final_norm).matmul(head.t());
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench_transformer_libtorch CASE THREADS MKLDNN [REPEATS]\n");
        return 2;
    }
    const std::string name = argv[1];
    const int threads = std::atoi(argv[2]);
    const bool mkldnn = std::atoi(argv[3]) != 0;
    const int repeats = argc > 4 ? std::atoi(argv[4]) : 10;
    torch::set_num_threads(threads);
    at::globalContext().setUserEnabledMkldnn(mkldnn);
    torch::manual_seed(1);
    Gpt gpt;
    double ms = 0;
    if (name == "gpt_train_step") {
        torch::optim::Adam adam(gpt.parameters(), torch::optim::AdamOptions(2e-3));
        auto ids = torch::randint(0, kVocab, {16, 129}, torch::kLong);
        auto inputs = ids.narrow(1, 0, 128), targets = ids.narrow(1, 1, 128).reshape({-1});
        ms = median_ms(
            [&] {
                auto loss = torch::nn::functional::cross_entropy(gpt.forward(inputs, nullptr).reshape({-1, kVocab}), targets);
                adam.zero_grad();
                loss.backward();
                adam.step();
            },
            repeats);
    } else if (name == "gpt_decode_512") {
        torch::NoGradGuard no_grad;
        auto prompt = torch::randint(0, kVocab, {1, 480}, torch::kLong);
        std::vector<double> times;
        for (int run = 0; run < repeats + 3; ++run) {  // three warm-up runs, as median_ms
            std::vector<std::pair<torch::Tensor, torch::Tensor>> cache(kLayers);
            auto logits = gpt.forward(prompt, &cache);
            const auto started = std::chrono::steady_clock::now();
            for (int step = 0; step < 32; ++step) {
                auto token = logits.select(1, logits.size(1) - 1).argmax(-1, true);
                logits = gpt.forward(token, &cache);
            }
            const double elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
            if (run >= 3) times.push_back(elapsed);
        }
        std::sort(times.begin(), times.end());
        ms = times[times.size() / 2];
    } else {
        std::fprintf(stderr, "unknown case %s\n", name.c_str());
        return 2;
    }
    std::printf("{\"case\": \"%s\", \"threads\": %d, \"mkldnn\": %s, \"ms\": %.4f}\n", name.c_str(), threads,
                mkldnn ? "true" : "false", ms);
    return 0;
}
