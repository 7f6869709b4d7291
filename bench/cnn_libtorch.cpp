// The libtorch side of ./wb bench cnn: one epoch of the source's binary model in PyTorch's C++ API,
// the peer a C++ user would pick. Built only when Debian's libtorch-dev is installed; the workbook
// itself never needs it.
//   bench_cnn_libtorch THREADS MKLDNN   ->  {"case": "train_epoch_binary", "threads": T, "mkldnn": M, "ms": ...}
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "framework/data.hpp"

int main(int argc, char** argv) {
    const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
    const bool mkldnn = argc > 2 && std::atoi(argv[2]) != 0;
    torch::set_num_threads(threads);
    at::globalContext().setUserEnabledMkldnn(mkldnn);

    // The same data as the C++ and Python sides, read by the workbook's IDX reader.
    const wb::Dataset data = wb::load_fashion_mnist();
    const torch::Tensor images =
        torch::from_blob(const_cast<float*>(data.train_x.data()), {data.train_x.dim(0), 1, 28, 28}).clone();
    const torch::Tensor labels = torch::from_blob(const_cast<float*>(data.train_y.data()), {data.train_y.dim(0)}).clone();
    const torch::Tensor targets = ((labels == 5) | (labels == 7) | (labels == 9)).to(torch::kFloat).reshape({-1, 1});

    torch::manual_seed(7);
    torch::nn::Sequential model(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 32, 3)), torch::nn::ReLU(),
                                torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)), torch::nn::Flatten(),
                                torch::nn::Linear(32 * 13 * 13, 1), torch::nn::Sigmoid());
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    const auto start = std::chrono::steady_clock::now();
    const torch::Tensor order = torch::randperm(images.size(0), torch::kLong);
    for (int64_t begin = 0; begin < images.size(0); begin += 32) {
        const torch::Tensor batch = order.slice(0, begin, std::min<int64_t>(begin + 32, images.size(0)));
        optimizer.zero_grad();
        torch::Tensor loss = torch::binary_cross_entropy(model->forward(images.index_select(0, batch)),
                                                         targets.index_select(0, batch));
        loss.backward();
        optimizer.step();
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::printf("{\"case\": \"train_epoch_binary\", \"threads\": %d, \"mkldnn\": %s, \"ms\": %.3f}\n", threads,
                mkldnn ? "true" : "false", ms);
    return 0;
}
