// The libtorch side of ./wb bench lstm and ./wb bench attention: the cases of bench/seq_bench.cpp in
// PyTorch's C++ API. Built only when Debian's libtorch-dev is installed; the workbook never needs it.
//   bench_seq_libtorch CASE THREADS MKLDNN [REPEATS]  ->  {"case": ..., "threads": T, "mkldnn": M, "ms": median}
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "libtorch_timing.hpp"

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench_seq_libtorch CASE THREADS MKLDNN [REPEATS]\n");
        return 2;
    }
    const std::string name = argv[1];
    const int threads = std::atoi(argv[2]);
    const bool mkldnn = std::atoi(argv[3]) != 0;
    const bool small = name.size() > 5 && name.substr(name.size() - 5) == "small";
    const int repeats = argc > 4 ? std::atoi(argv[4]) : (small ? 30 : 10);
    torch::set_num_threads(threads);
    at::globalContext().setUserEnabledMkldnn(mkldnn);
    torch::manual_seed(1);

    std::function<void()> call;
    if (name == "lstm_small" || name == "lstm_large") {
        const int B = small ? 32 : 64, T = small ? 50 : 100, I = small ? 32 : 64, H = small ? 128 : 256;
        auto lstm = torch::nn::LSTM(torch::nn::LSTMOptions(I, H).batch_first(true));
        auto x = torch::randn({B, T, I}).requires_grad_(true);
        auto h0 = torch::randn({1, B, H}).requires_grad_(true), c0 = torch::randn({1, B, H}).requires_grad_(true);
        auto dout = torch::randn({B, T, H});
        std::vector<torch::Tensor> inputs{x, h0, c0};
        for (const auto& p : lstm->parameters()) inputs.push_back(p);
        call = [=]() mutable {
            auto out = std::get<0>(lstm->forward(x, std::make_tuple(h0, c0)));
            torch::autograd::grad({out}, inputs, {dout});
        };
    } else if (name == "attention_small" || name == "attention_large") {
        const int B = small ? 32 : 8, L = small ? 64 : 256, E = small ? 128 : 256, heads = 8;
        auto mha = torch::nn::MultiheadAttention(torch::nn::MultiheadAttentionOptions(E, heads));
        // libtorch's module is sequence-first: (L, B, E)
        auto x = torch::randn({L, B, E}).requires_grad_(true);
        auto dout = torch::randn({L, B, E});
        std::vector<torch::Tensor> inputs{x};
        for (const auto& p : mha->parameters()) inputs.push_back(p);
        call = [=]() mutable {
            auto out = std::get<0>(mha->forward(x, x, x, {}, /*need_weights=*/false));
            torch::autograd::grad({out}, inputs, {dout});
        };
    } else {
        std::fprintf(stderr, "unknown case %s\n", name.c_str());
        return 2;
    }
    std::printf("{\"case\": \"%s\", \"threads\": %d, \"mkldnn\": %s, \"ms\": %.4f}\n", name.c_str(), threads,
                mkldnn ? "true" : "false", median_ms(call, repeats));
    return 0;
}
