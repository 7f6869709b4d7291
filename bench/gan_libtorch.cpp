// The libtorch side of ./wb bench gan: one training step of chapter 08's GAN in PyTorch's C++ API.
// Built only when Debian's libtorch-dev is installed.
//   bench_gan_libtorch gan_step THREADS MKLDNN [REPEATS]  ->  {"case": "gan_step", "threads": T, "mkldnn": M, "ms": median}
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "libtorch_timing.hpp"

int main(int argc, char** argv) {
    if (argc < 4 || std::string(argv[1]) != "gan_step") {
        std::fprintf(stderr, "usage: bench_gan_libtorch gan_step THREADS MKLDNN [REPEATS]\n");
        return 2;
    }
    const int threads = std::atoi(argv[2]), repeats = argc > 4 ? std::atoi(argv[4]) : 30;
    const bool mkldnn = std::atoi(argv[3]) != 0;
    torch::set_num_threads(threads);
    at::globalContext().setUserEnabledMkldnn(mkldnn);
    torch::manual_seed(1);
    torch::nn::Sequential G(torch::nn::Linear(100, 128), torch::nn::ReLU(), torch::nn::Linear(128, 784), torch::nn::Tanh(),
                            torch::nn::Unflatten(torch::nn::UnflattenOptions(1, {1, 28, 28})));
    torch::nn::Sequential D(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 64, 3)), torch::nn::ReLU(),
                            torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)), torch::nn::Flatten(),
                            torch::nn::Linear(64 * 13 * 13, 1));
    torch::optim::Adam opt_g(G->parameters(), torch::optim::AdamOptions(1e-4).betas({0.5, 0.999}));
    torch::optim::Adam opt_d(D->parameters(), torch::optim::AdamOptions(1e-4).betas({0.5, 0.999}));
    const auto real = torch::rand({64, 1, 28, 28}) * 2 - 1, noise = torch::randn({64, 100});
    const auto ones = torch::ones({64, 1}), zeros = torch::zeros({64, 1});
    auto step = [&] {
        auto logits = D->forward(torch::cat({real, G->forward(noise).detach()}));
        auto d_loss = torch::binary_cross_entropy_with_logits(logits.slice(0, 0, 64), ones) +
                      torch::binary_cross_entropy_with_logits(logits.slice(0, 64, 128), zeros);
        opt_d.zero_grad();
        d_loss.backward();
        opt_d.step();
        auto g_loss = torch::binary_cross_entropy_with_logits(D->forward(G->forward(noise)), ones);
        opt_g.zero_grad();
        g_loss.backward();
        opt_g.step();
    };
    std::printf("{\"case\": \"gan_step\", \"threads\": %d, \"mkldnn\": %s, \"ms\": %.4f}\n", threads, mkldnn ? "true" : "false",
                median_ms(step, repeats));
    return 0;
}
