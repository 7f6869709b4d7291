// ./wb run 08 [--solutions] [--epochs N] [--smoke]
//
// Trains the source's GAN on Fashion-MNIST, correctly: images scaled to [-1, 1] (your to_tanh_range), your
// generator and discriminator (chapter 08, the discriminator on your chapter 04 convolution), your
// alternating step and losses (chapter 05), Adam 1e-4 with beta1 = 0.5 for both networks, batch 64.
// After every epoch: a grid of 64 samples from the same fixed noise (samples_epoch_K.png), so you see
// the generator improve; and, with --classifier (./wb run 08 trains and caches one with the reference
// kernels), the quality score: the Fréchet distance (your frechet_distance) between 1000 generated and
// 1000 real test images in the feature space of the chapter 07 10-class classifier, and the share of
// each class among the generated images (your class_shares). Writes metrics.json and weights.wbt.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "chapters/05_gan/gan_step.hpp"
#include "chapters/08_gan_program/gan_data.hpp"
#include "chapters/08_gan_program/gan_models.hpp"
#include "chapters/08_gan_program/quality.hpp"
#include "framework/conv_kernels.hpp"
#include "framework/data.hpp"
#include "framework/heap.hpp"
#include "framework/linalg.hpp"
#include "framework/png.hpp"
#include "framework/progress.hpp"
#include "framework/serialize.hpp"
#include "layers/cnn_layers.hpp"

using namespace wb;

namespace {

struct Options {
    std::string out_dir;
    std::string classifier;  // weights.wbt of the chapter 07 10-class model
    int epochs = 5;
    float g_lr = 1e-4f, d_lr = 1e-4f;
    bool smoke = false;
};

// The chapter 07 10-class classifier (Conv 32 3x3, ReLU, MaxPool 2, Dense 10), run with the framework's
// kernels only, so that the quality score never depends on the kernels being graded.
struct Classifier {
    Tensor conv_w, conv_b, dense_w, dense_b;  // (32, 1, 3, 3), (32), (10, 5408), (10)
};

Classifier load_classifier(const std::string& path) {
    const std::vector<NamedTensor> t = load_tensors(path);
    if (t.size() != 4 || t[0].tensor.shape() != Shape{32, 1, 3, 3} || t[2].tensor.shape() != Shape{10, 32 * 13 * 13})
        throw IoError(path + ": not the weights of chapter 07's 10-class model (./wb run 07 --task 10class writes them)");
    return {t[0].tensor, t[1].tensor, t[2].tensor, t[3].tensor};
}

// features (N, 32): the mean of each pooled channel; logits (N, 10). images (N, 1, 28, 28) in [0, 1].
void classify(const Classifier& c, const Tensor& images, Tensor& features, Tensor& logits) {
    const int N = images.dim(0);
    const ConvShape s{1, 28, 28, 3, 3, 1, 0, 1, 26, 26};
    std::vector<float> cols(9 * 26 * 26), plane(32 * 26 * 26);
    std::vector<int> argmax(13 * 13);
    Tensor pooled({N, 32 * 13 * 13});
    features = Tensor({N, 32});
    for (int n = 0; n < N; ++n) {
        im2col_image(&images(n, 0, 0, 0), s, cols.data());
        gemm(false, false, 32, 26 * 26, 9, 1.0f, c.conv_w.data(), cols.data(), 0.0f, plane.data());
        for (int f = 0; f < 32; ++f) {
            float* out = &pooled(n, f * 169);
            relu_maxpool_plane(plane.data() + f * 676, 26, 2, 13, 13, c.conv_b(f), 0, out, argmax.data());
            for (int i = 0; i < 169; ++i) features(n, f) += out[i] / 169.0f;
        }
    }
    logits = Tensor({N, 10});
    for (int n = 0; n < N; ++n)
        for (int k = 0; k < 10; ++k) logits(n, k) = c.dense_b(k);
    gemm(false, true, N, 10, 32 * 13 * 13, 1.0f, pooled.data(), c.dense_w.data(), 1.0f, logits.data());
}

Tensor generate(Sequential& generator, int n, Rng& rng) {
    return from_tanh_range(generator.forward(Tensor::randn({n, kNoiseSize}, rng)));
}

}  // namespace

int main(int argc, char** argv) {
    keep_freed_memory_for_reuse();
    CLI::App app{"Chapter 08: the source's GAN on Fashion-MNIST, trained correctly with your kernels"};
    Options o;
    app.add_option("out_dir", o.out_dir, "where metrics.json and the pictures go")->required();
    app.add_option("--epochs", o.epochs, "training epochs")->check(CLI::PositiveNumber);
    app.add_option("--classifier", o.classifier, "chapter 07 10-class weights.wbt, for the quality score");
    app.add_option("--g-lr", o.g_lr, "the generator's Adam learning rate")->check(CLI::PositiveNumber);
    app.add_option("--d-lr", o.d_lr, "the discriminator's Adam learning rate")->check(CLI::PositiveNumber);
    app.add_flag("--smoke", o.smoke, "a tiny run that checks everything works (seconds)");
    CLI11_PARSE(app, argc, argv);
    std::filesystem::create_directories(o.out_dir);

    try {
        const Dataset data = load_fashion_mnist();
        const int train_n = o.smoke ? 640 : data.train_x.dim(0), batch = 64, score_n = o.smoke ? 100 : 1000;
        if (o.smoke) o.epochs = 1;
        const Tensor real_images = to_tanh_range(slice_rows(data.train_x, 0, train_n));

        Rng rng(8);
        Sequential generator = build_generator(rng), discriminator = build_discriminator(rng);
        // D's conv, ReLU and pool as one layer when your conv2d_relu_maxpool_forward is written (chapter 04)
        const bool fused = fuse_conv_relu_pool(discriminator) > 0;
        Adam g_opt(o.g_lr, 0.5f), d_opt(o.d_lr, 0.5f);
        Rng noise_rng(2008), fixed_rng(64);
        const Tensor fixed_noise = Tensor::randn({64, kNoiseSize}, fixed_rng);

        // The quality score's reference: real test images through the classifier.
        const bool scored = !o.classifier.empty();
        Classifier classifier;
        Tensor real_features, real_logits;
        if (scored) {
            classifier = load_classifier(o.classifier);
            classify(classifier, slice_rows(data.test_x, 0, score_n), real_features, real_logits);
        }
        std::printf("Chapter 08 (%s kernels): the source's GAN, %d training images, batch %d, Adam 1e-4 (beta1 0.5)\n"
                    "G: %zu parameters, D: %zu parameters (conv, ReLU and pool %s); quality score %s\n\n",
                    WB_FLAVOUR, train_n, batch, generator.parameter_count(), discriminator.parameter_count(),
                    fused ? "fused" : "one by one", scored ? "against the chapter 07 classifier" : "off (no --classifier)");
        std::fflush(stdout);

        nlohmann::json epochs = nlohmann::json::array();
        auto score = [&](nlohmann::json& record, Rng& sample_rng) {
            if (!scored) return;
            Tensor features, logits;
            classify(classifier, generate(generator, score_n, sample_rng), features, logits);
            record["frechet_distance"] = frechet_distance(features, real_features);
            record["class_shares"] = class_shares(logits);
        };
        {
            nlohmann::json untrained{{"epoch", 0}};
            Rng sample_rng(5);
            score(untrained, sample_rng);
            epochs.push_back(untrained);
        }
        std::vector<int> order(static_cast<std::size_t>(train_n));
        std::iota(order.begin(), order.end(), 0);
        for (int epoch = 1; epoch <= o.epochs; ++epoch) {
            std::shuffle(order.begin(), order.end(), rng.engine());
            const int steps = train_n / batch;
            ProgressBar bar("epoch " + std::to_string(epoch) + "/" + std::to_string(o.epochs), steps);
            double d_loss = 0, g_loss = 0, real_acc = 0, fake_acc = 0;
            for (int step = 0; step < steps; ++step) {
                const std::vector<int> rows(order.begin() + step * batch, order.begin() + (step + 1) * batch);
                const GanStepStats s = gan_train_step(generator, discriminator, take_rows(real_images, rows),
                                                      Tensor::randn({batch, kNoiseSize}, noise_rng), g_opt, d_opt);
                d_loss += s.d_loss, g_loss += s.g_loss, real_acc += s.real_accuracy, fake_acc += s.fake_accuracy;
                if ((step + 1) % 20 == 0 || step + 1 == steps) {
                    char shown[96];
                    std::snprintf(shown, sizeof shown, "D %.3f G %.3f acc real %.2f fake %.2f", d_loss / (step + 1),
                                  g_loss / (step + 1), real_acc / (step + 1), fake_acc / (step + 1));
                    bar.update(step + 1, shown);
                }
            }
            bar.finish();
            nlohmann::json record{{"epoch", epoch}, {"d_loss", d_loss / steps}, {"g_loss", g_loss / steps},
                                  {"d_real_accuracy", real_acc / steps}, {"d_fake_accuracy", fake_acc / steps},
                                  {"seconds", bar.elapsed_seconds()}};
            Rng sample_rng(5);
            score(record, sample_rng);
            if (scored)
                std::printf("  Frechet distance %.3f (untrained %.3f)\n", record["frechet_distance"].get<double>(),
                            epochs[0]["frechet_distance"].get<double>());
            epochs.push_back(record);
            // the same noise every epoch: the grid shows the generator improving
            const std::string grid = o.out_dir + "/samples_epoch_" + std::to_string(epoch) + ".png";
            write_png(grid, zoomed(image_grid(from_tanh_range(generator.forward(fixed_noise)), 8), 2));
            std::filesystem::copy_file(grid, o.out_dir + "/samples.png", std::filesystem::copy_options::overwrite_existing);
        }

        nlohmann::json metrics{{"kernels", WB_FLAVOUR}, {"train_images", train_n}, {"batch", batch},
                               {"learning_rate", 1e-4}, {"beta1", 0.5}, {"scored", scored}, {"epochs", epochs}};
        std::ofstream(o.out_dir + "/metrics.json") << metrics.dump(1) << "\n";
        std::vector<Param> params;  // both networks, their names prefixed g. and d. (both have dense.weight)
        for (Param p : generator.params()) p.name = "g." + p.name, params.push_back(p);
        for (Param p : discriminator.params()) p.name = "d." + p.name, params.push_back(p);
        save_weights(o.out_dir + "/weights.wbt", params);
        std::printf("\nwrote %s/metrics.json, samples.png (and one grid per epoch), weights.wbt\n", o.out_dir.c_str());
    } catch (const NotImplemented& e) {
        std::fprintf(stderr, "\nrun 08: %s() is still a stub. Finish that exercise first (./wb grade 04 05 08 shows which).\n",
                     e.function().c_str());
        return 3;
    }
    return 0;
}
