// The libtorch side of ./wb bench diffusion: chapter 10's denoising U-Net (bench/diffusion_bench.cpp's case) in
// PyTorch's C++ API, layer for layer layers/diffusion_layers' DenoisingUNet, as bench/diffusion_torch.py.
// Built only when Debian's libtorch-dev is installed.
//   bench_diffusion_libtorch CASE THREADS MKLDNN [REPEATS]  ->  {"case": ..., "threads": T, "mkldnn": M, "ms": median}
// CASE unet_train_step: forward on 64 images (64, 1, 28, 28) with each image's step and label, the mean squared error
// against a target, backward and an Adam step (lr 1e-3).
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "libtorch_timing.hpp"

namespace {

constexpr int64_t kWidth = 16, kTotalSteps = 1000, kClasses = 10, kBatch = 64;
constexpr int64_t kParameters = 163713;  // ours at width 16 (bench/diffusion_bench.cpp checks it)

/// A 3x3 convolution, padding 1, as UNetConv.
torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t stride = 1) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1));
}

/// Chapter 01's encoding of each step, (N) -> (N, dim): sin in the even columns, cos in the odd ones, pair i at
/// frequency 10000^(-2i/dim).
torch::Tensor sinusoidal(const torch::Tensor& steps, int64_t dim) {
    auto frequency = torch::pow(10000.0, -torch::arange(0, dim, 2, torch::kFloat64) / dim);
    auto angle = steps.to(torch::kFloat64).unsqueeze(1) * frequency.unsqueeze(0);  // (N, dim/2)
    return torch::stack({angle.sin(), angle.cos()}, 2).reshape({steps.size(0), dim}).to(torch::kFloat32);
}

/// y = x + conv2(SiLU(conv1(SiLU(x)) + P c)), P c added to every pixel of its channel (UNetResBlock).
struct ResBlockImpl : torch::nn::Module {
    ResBlockImpl(int64_t channels, int64_t cond)
        : conv1(register_module("conv1", conv(channels, channels))),
          conv2(register_module("conv2", conv(channels, channels))),
          p(register_module("p", torch::nn::Linear(cond, channels))) {}
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& c) {
        auto z1 = conv1->forward(torch::silu(x)) + p->forward(c).unsqueeze(2).unsqueeze(3);
        return x + conv2->forward(torch::silu(z1));
    }
    torch::nn::Conv2d conv1, conv2;
    torch::nn::Linear p;
};
TORCH_MODULE(ResBlock);

/// x (N, 1, H, W), steps (N), labels (N) -> (N, 1, H, W), as DenoisingUNet::forward.
struct UNetImpl : torch::nn::Module {
    static constexpr int64_t C = kWidth, Cc = 2 * kWidth;
    torch::nn::Linear time1{register_module("time1", torch::nn::Linear(C, Cc))};
    torch::nn::Linear time2{register_module("time2", torch::nn::Linear(Cc, Cc))};
    torch::nn::Embedding class_table{register_module("class_table", torch::nn::Embedding(kClasses + 1, Cc))};
    torch::nn::Conv2d conv_in{register_module("conv_in", conv(1, C))};
    ResBlock block1{register_module("block1", ResBlock(C, Cc))};
    torch::nn::Conv2d down1{register_module("down1", conv(C, 2 * C, 2))};
    ResBlock block2{register_module("block2", ResBlock(2 * C, Cc))};
    torch::nn::Conv2d down2{register_module("down2", conv(2 * C, 2 * C, 2))};
    ResBlock mid{register_module("mid", ResBlock(2 * C, Cc))};
    torch::nn::Conv2d up2{register_module("up2", conv(2 * C, 8 * C))};
    torch::nn::Conv2d merge2{register_module("merge2", conv(4 * C, 2 * C))};
    ResBlock block3{register_module("block3", ResBlock(2 * C, Cc))};
    torch::nn::Conv2d up1{register_module("up1", conv(2 * C, 4 * C))};
    torch::nn::Conv2d merge1{register_module("merge1", conv(2 * C, C))};
    ResBlock block4{register_module("block4", ResBlock(C, Cc))};
    torch::nn::Conv2d conv_out{register_module("conv_out", conv(C, 1))};

    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& steps, const torch::Tensor& labels) {
        namespace F = torch::nn::functional;
        auto c = time2->forward(torch::silu(time1->forward(sinusoidal(steps, C)))) + class_table->forward(labels);
        auto h1 = block1->forward(conv_in->forward(x), c);
        auto h2 = block2->forward(down1->forward(h1), c);
        auto h = mid->forward(down2->forward(h2), c);
        h = block3->forward(merge2->forward(torch::cat({F::pixel_shuffle(up2->forward(h), 2), h2}, 1)), c);
        h = block4->forward(merge1->forward(torch::cat({F::pixel_shuffle(up1->forward(h), 2), h1}, 1)), c);
        return conv_out->forward(torch::silu(h));
    }
};
TORCH_MODULE(UNet);

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench_diffusion_libtorch CASE THREADS MKLDNN [REPEATS]\n");
        return 2;
    }
    const std::string name = argv[1];
    const int threads = std::atoi(argv[2]);
    const bool mkldnn = std::atoi(argv[3]) != 0;
    const int repeats = argc > 4 ? std::atoi(argv[4]) : 10;
    if (name != "unet_train_step") {
        std::fprintf(stderr, "unknown case %s\n", name.c_str());
        return 2;
    }
    torch::set_num_threads(threads);
    at::globalContext().setUserEnabledMkldnn(mkldnn);
    torch::manual_seed(1);
    UNet unet;
    int64_t parameters = 0;
    for (const auto& p : unet->parameters()) parameters += p.numel();
    if (parameters != kParameters) {
        std::fprintf(stderr, "the U-Net has %lld parameters, ours %lld\n", static_cast<long long>(parameters),
                     static_cast<long long>(kParameters));
        return 1;
    }
    torch::optim::Adam adam(unet->parameters(), torch::optim::AdamOptions(1e-3));
    const auto xt = torch::randn({kBatch, 1, 28, 28}), target = torch::randn({kBatch, 1, 28, 28});
    const auto steps = torch::randint(0, kTotalSteps, {kBatch}, torch::kLong);
    const auto labels = torch::randint(0, kClasses + 1, {kBatch}, torch::kLong);
    const double ms = median_ms(
        [&] {
            auto loss = torch::mse_loss(unet->forward(xt, steps, labels), target);
            adam.zero_grad();
            loss.backward();
            adam.step();
        },
        repeats);
    std::printf("{\"case\": \"%s\", \"threads\": %d, \"mkldnn\": %s, \"ms\": %.4f, \"parameters\": %lld}\n",
                name.c_str(), threads, mkldnn ? "true" : "false", ms, static_cast<long long>(parameters));
    return 0;
}
