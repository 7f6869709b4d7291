// The libtorch side of ./wb bench gan: chapter 08's GAN in PyTorch's C++ API, as bench/gan_torch.py (D step, G step,
// G's MMD step: programs/08_gan_program/recipe.hpp).
// Built only when Debian's libtorch-dev is installed.
//   bench_gan_libtorch gan_step|gan_epoch THREADS MKLDNN [REPEATS]  ->  {"case": ..., "threads": T, "mkldnn": M, "ms": median}
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "framework/data.hpp"
#include "libtorch_timing.hpp"
#include "programs/08_gan_program/recipe.hpp"  // the learning rates and the MMD's bandwidths, as ours

namespace {

constexpr int64_t kBatch = 64, kGroup = 16;  // kGanBatch and kStddevGroup of chapter 08

// x (N, F) -> (N, 2F): each feature's population std over its group of kGroup consecutive rows, appended.
torch::Tensor minibatch_stddev(const torch::Tensor& x) {
    const int64_t group = std::min<int64_t>(kGroup, x.size(0)), features = x.size(1);
    const auto grouped = x.reshape({-1, group, features});
    // mean and squares by hand: var(1) reduces over this short middle dimension 5x slower (measured in PyTorch)
    const auto std = torch::sqrt((grouped - grouped.mean(1, /*keepdim=*/true)).pow(2).mean(1) + 1e-8);
    return torch::cat({x, std.unsqueeze(1).expand_as(grouped).reshape(x.sizes())}, 1);
}

// x (N, C*P) -> (N, C*P + C): the population std of each channel's mean over its group, appended.
torch::Tensor channel_stddev(const torch::Tensor& x, int64_t channels) {
    const int64_t group = std::min<int64_t>(kGroup, x.size(0));
    const auto means = x.reshape({x.size(0), channels, -1}).mean(2).reshape({-1, group, channels});
    const auto std = torch::sqrt((means - means.mean(1, /*keepdim=*/true)).pow(2).mean(1) + 1e-8);
    return torch::cat({x, std.unsqueeze(1).expand_as(means).reshape({x.size(0), channels})}, 1);
}

// The unbiased MMD^2 of wb::mmd_loss between the rows of fake and real (N each), k(a, b) = sum_h exp(-|a - b|^2 / (P h)).
torch::Tensor mmd(const torch::Tensor& fake, const torch::Tensor& real) {
    const int64_t n = fake.size(0);
    const auto everything = torch::cat({fake.reshape({n, -1}), real.reshape({n, -1})});
    const auto d2 = torch::cdist(everything, everything).pow(2) / everything.size(1);
    torch::Tensor k = torch::zeros_like(d2);
    for (const float h : wb::gan_recipe::kMmdBandwidths) k = k + torch::exp(-d2 / h);
    const auto off_diagonal = k * (1 - torch::eye(2 * n));
    return (off_diagonal.slice(0, 0, n).slice(1, 0, n).sum() + off_diagonal.slice(0, n).slice(1, n).sum()) / (n * (n - 1)) -
           2 * k.slice(0, 0, n).slice(1, n).mean();
}

}  // namespace

int main(int argc, char** argv) {
    const std::string which = argc > 1 ? argv[1] : "";
    if (argc < 4 || (which != "gan_step" && which != "gan_epoch")) {
        std::fprintf(stderr, "usage: bench_gan_libtorch gan_step|gan_epoch THREADS MKLDNN [REPEATS]\n");
        return 2;
    }
    const bool epoch_case = which == "gan_epoch";
    const int threads = std::atoi(argv[2]), repeats = argc > 4 ? std::atoi(argv[4]) : (epoch_case ? 1 : 30);
    const bool mkldnn = std::atoi(argv[3]) != 0;
    torch::set_num_threads(threads);
    at::globalContext().setUserEnabledMkldnn(mkldnn);
    torch::manual_seed(1);
    torch::nn::Sequential G(torch::nn::Linear(100, 128), torch::nn::ReLU(), torch::nn::Linear(128, 784), torch::nn::Tanh(),
                            torch::nn::Unflatten(torch::nn::UnflattenOptions(1, {1, 28, 28})));
    torch::nn::Sequential features(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 64, 3)), torch::nn::ReLU(),
                                   torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)), torch::nn::Flatten());
    torch::nn::Linear readout(2 * 64 * 13 * 13 + 128, 1);
    auto D = [&](const torch::Tensor& x) {
        return readout->forward(channel_stddev(minibatch_stddev(features->forward(x)), 128));
    };
    std::vector<torch::Tensor> d_params = features->parameters();
    for (const auto& p : readout->parameters()) d_params.push_back(p);
    namespace recipe = wb::gan_recipe;
    auto adam = [](double lr) { return torch::optim::AdamOptions(lr).betas({recipe::kBeta1, 0.999}); };
    torch::optim::Adam opt_g(G->parameters(), adam(recipe::kGeneratorLr));
    torch::optim::Adam opt_d(d_params, adam(recipe::kDiscriminatorLr));
    torch::optim::Adam opt_mmd(G->parameters(), adam(recipe::kMmdLr));
    const auto ones = torch::ones({kBatch, 1}), zeros = torch::zeros({kBatch, 1});
    auto step = [&](const torch::Tensor& real, const torch::Tensor& noise) {
        auto logits = D(torch::cat({real, G->forward(noise).detach()}));
        auto d_loss = torch::binary_cross_entropy_with_logits(logits.slice(0, 0, kBatch), ones) +
                      torch::binary_cross_entropy_with_logits(logits.slice(0, kBatch, 2 * kBatch), zeros);
        opt_d.zero_grad();
        d_loss.backward();
        opt_d.step();
        auto g_loss = torch::binary_cross_entropy_with_logits(D(G->forward(noise)), ones);
        opt_g.zero_grad();
        g_loss.backward();
        opt_g.step();
        auto mmd_loss = mmd(G->forward(noise), real);
        opt_mmd.zero_grad();
        mmd_loss.backward();
        opt_mmd.step();
    };
    double ms = 0;
    if (!epoch_case) {
        const auto real = torch::rand({kBatch, 1, 28, 28}) * 2 - 1, noise = torch::randn({kBatch, 100});
        ms = median_ms([&] { step(real, noise); }, repeats);
    } else {
        // the same data as the C++ and Python sides, read by the workbook's IDX reader, in [-1, 1]
        const wb::Dataset data = wb::load_fashion_mnist();
        const torch::Tensor images =
            torch::from_blob(const_cast<float*>(data.train_x.data()), {data.train_x.dim(0), 1, 28, 28}).clone() * 2 - 1;
        auto epoch = [&] {
            const torch::Tensor order = torch::randperm(images.size(0), torch::kLong);
            for (int64_t begin = 0; begin + kBatch <= images.size(0); begin += kBatch)
                step(images.index_select(0, order.slice(0, begin, begin + kBatch)), torch::randn({kBatch, 100}));
        };
        ms = median_ms(epoch, repeats, /*warmup=*/0);
    }
    std::printf("{\"case\": \"%s\", \"threads\": %d, \"mkldnn\": %s, \"ms\": %.4f}\n", which.c_str(), threads,
                mkldnn ? "true" : "false", ms);
    return 0;
}
