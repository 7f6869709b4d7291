// ./wb run 07 [--solutions] [--epochs N] [--task binary|10class] [--limit N] [--smoke]
//
// Trains the chapter 07 CNN on Fashion-MNIST (Debian's dataset-fashion-mnist) with your chapter 04
// kernels (conv, max-pool) and your chapter 07 pieces (the model, the training step, accuracy, the
// confusion matrix). Batch 32, Adam 1e-3, as the source.
//   binary : the source's model (Conv32 3x3 ReLU, MaxPool 2, Flatten, Dense 1 sigmoid, binary
//            cross-entropy) on footwear (sandal, sneaker, ankle boot) vs the rest.
//   10class: the corrected model: the same trunk, Dense 10, softmax cross-entropy.
// Writes to the output folder: metrics.json (per epoch: train loss, test loss, test accuracy,
// seconds), confusion.png (the confusion matrix, labelled, with counts), mistakes.png (misclassified
// test images with their true and predicted classes) and weights.wbt (the trained parameters: the same
// seed and thread count give the same bits, which ./wb test checks).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "chapters/07_cnn_program/models.hpp"
#include "chapters/07_cnn_program/training.hpp"
#include "framework/data.hpp"
#include "framework/heap.hpp"
#include "layers/cnn_layers.hpp"
#include "framework/png.hpp"
#include "framework/serialize.hpp"
#include "framework/training.hpp"
#include "programs/07_cnn_program/options.hpp"
#include "programs/cli.hpp"

using namespace wb;

using run07::Options;

static Options parse(int argc, char** argv) {
    Options o = wb::cli::parse_or_exit(argc, argv, "run_07", &run07::define_options);
    if (o.smoke) o.limit = 3000;
    return o;
}

static Tensor first_rows(const Tensor& t, int n) {
    std::vector<int> idx(static_cast<std::size_t>(std::min(n, t.dim(0))));
    std::iota(idx.begin(), idx.end(), 0);
    return take_rows(t, idx);
}

// The misclassified test images `wrong`, three times enlarged, eight to a row, each captioned with its
// true class (green) above the predicted one (red).
static Image mistakes_sheet(const Tensor& images, const std::vector<int>& wrong, const Tensor& truth,
                            const Tensor& predicted, const std::vector<std::string>& names) {
    constexpr int kZoom = 3, kCols = 8, kText = 2, kPad = 8;
    const Rgb green{0, 130, 40}, red{200, 30, 30}, black{0, 0, 0};
    const int side = (images.dim(-1) + 2) * kZoom;  // image_grid frames each image with one pixel
    const int line = text_height("0", kText);
    int widest = 0;
    for (const std::string& n : names) widest = std::max(widest, text_width(n, kText));
    const int tile_w = std::max(side, widest) + kPad, tile_h = side + 2 * line + kPad;
    const int rows = (static_cast<int>(wrong.size()) + kCols - 1) / kCols, header = line + 2 * kPad;
    Image sheet = blank_image(header + rows * tile_h, kCols * tile_w + kPad, {255, 255, 255});
    draw_text(sheet, kPad, kPad, "Misclassified test images: true class (green), predicted (red)", black, kText);
    for (std::size_t k = 0; k < wrong.size(); ++k) {
        const int i = wrong[k];
        const int x = kPad + static_cast<int>(k % kCols) * tile_w, y = header + static_cast<int>(k / kCols) * tile_h;
        const Tensor image = take_rows(images, {i});
        paste(sheet, zoomed(to_rgb(image_grid(image.reshaped({1, image.dim(-2), image.dim(-1)}), 1)), kZoom), x, y);
        draw_text(sheet, x, y + side + 3, names[static_cast<std::size_t>(truth(i))], green, kText);
        draw_text(sheet, x, y + side + 3 + line, names[static_cast<std::size_t>(predicted(i))], red, kText);
    }
    return sheet;
}

int main(int argc, char** argv) {
    keep_freed_memory_for_reuse();  // training reuses the same large blocks every step
    Options o;
    Dataset data;
    try {
        o = parse(argc, argv);
        data = load_fashion_mnist();
    } catch (const std::exception& e) {  // a missing or corrupt data file names its path
        std::fprintf(stderr, "run 07: %s\n", e.what());
        return 2;
    }
    std::filesystem::create_directories(o.out_dir);
    if (o.limit > 0) {
        data.train_x = first_rows(data.train_x, o.limit);
        data.train_y = first_rows(data.train_y, o.limit);
        data.test_x = first_rows(data.test_x, std::max(1000, o.limit / 3));
        data.test_y = first_rows(data.test_y, std::max(1000, o.limit / 3));
    }
    const bool binary = o.task == "binary";
    const int classes = binary ? 2 : 10;
    try {
        Rng rng(o.seed ? static_cast<std::uint64_t>(o.seed) : 7);
        Sequential model = binary ? build_binary_model(rng) : build_ten_class_model(rng);
        // Conv2D, ReLU, MaxPool2D -> one fused block when conv2d_relu_maxpool_forward is written
        const bool fused = fuse_conv_relu_pool(model) > 0;
        const LossFn loss = binary ? LossFn(bce_loss) : LossFn(softmax_cross_entropy_loss);
        const Tensor train_y = binary ? footwear_targets(data.train_y) : data.train_y;
        const Tensor test_y = binary ? footwear_targets(data.test_y) : data.test_y;
        std::printf("Chapter 07 (%s kernels): %s task, %d train / %d test images, batch 32, Adam 1e-3\n%s\n\n%s\n",
                    WB_FLAVOUR, binary ? "binary footwear-vs-rest" : "10-class", data.train_x.dim(0), data.test_x.dim(0),
                    fused ? "conv + ReLU + max-pool run fused (your conv2d_relu_maxpool_forward)"
                          : "conv, ReLU and max-pool run one by one (write conv2d_relu_maxpool_forward to fuse them)",
                    model.summary({32, 1, 28, 28}).c_str());

        Adam adam(1e-3f);
        FitOptions options;
        options.epochs = o.epochs;
        options.batch_size = 32;
        options.seed = o.seed ? static_cast<std::uint64_t>(o.seed) : 1;
        options.val_x = &data.test_x;
        options.val_y = &test_y;
        options.metric_name = "acc";
        const StepFn step = [&](const Tensor& x, const Tensor& y) { return train_step(model, x, y, loss, adam); };
        const auto history = fit(model, data.train_x, train_y, step, loss, accuracy, options);

        // Predictions on the test set, for the confusion matrix and the mistakes.
        Tensor outputs;
        {
            std::vector<Tensor> parts;
            for (int begin = 0; begin < data.test_x.dim(0); begin += 500) {
                std::vector<int> idx(static_cast<std::size_t>(std::min(500, data.test_x.dim(0) - begin)));
                std::iota(idx.begin(), idx.end(), begin);
                parts.push_back(model.forward(take_rows(data.test_x, idx)));
            }
            outputs = Tensor({data.test_x.dim(0), parts[0].dim(1)});
            std::size_t at = 0;
            for (const Tensor& p : parts) {
                std::copy(p.begin(), p.end(), outputs.begin() + at);
                at += p.size();
            }
        }
        const Tensor predicted = predict_labels(outputs);
        const Tensor truth = binary ? test_y.reshaped({test_y.dim(0)}) : test_y;
        const Tensor cm = confusion_matrix(predicted, truth, classes);

        std::printf("\nconfusion matrix (rows: true class, columns: predicted)\n");
        for (int t = 0; t < classes; ++t) {
            std::printf("  %-12s", binary ? (t ? "footwear" : "other") : kFashionMnistClasses[t]);
            for (int p = 0; p < classes; ++p) std::printf(" %5.0f", cm(t, p));
            std::printf("\n");
        }

        // Rows normalised to fractions, so small classes show as clearly as large ones; the cells show counts.
        std::vector<std::string> names;
        for (int t = 0; t < classes; ++t) names.push_back(binary ? (t ? "footwear" : "other") : kFashionMnistClasses[t]);
        Tensor fractions = cm;
        HeatmapLabels labels;
        labels.title = "Confusion matrix, test set (rows: true class, columns: predicted, colour: share of the row)";
        labels.rows = labels.cols = names;
        for (int t = 0; t < classes; ++t) {
            float sum = 0.0f;
            for (int p = 0; p < classes; ++p) sum += cm(t, p);
            for (int p = 0; p < classes; ++p) {
                fractions(t, p) = sum > 0 ? cm(t, p) / sum : 0.0f;
                labels.cells.push_back(std::to_string(static_cast<long>(cm(t, p))));
            }
        }
        write_png(o.out_dir + "/confusion.png", labelled_heatmap(fractions, labels, binary ? 120 : 56, 0.0f, 1.0f));
        std::vector<int> wrong;
        for (int i = 0; i < truth.dim(0) && wrong.size() < 40; ++i)
            if (predicted(i) != truth(i)) wrong.push_back(i);
        if (!wrong.empty()) write_png(o.out_dir + "/mistakes.png", mistakes_sheet(data.test_x, wrong, truth, predicted, names));

        nlohmann::json metrics{{"task", o.task}, {"seed", o.seed}, {"kernels", WB_FLAVOUR}, {"train_images", data.train_x.dim(0)},
                               {"parameters", model.parameter_count()}, {"epochs", nlohmann::json::array()}};
        for (std::size_t e = 0; e < history.size(); ++e) {
            nlohmann::json curve = nlohmann::json::array();
            for (const CurvePoint& p : history[e].loss_curve) curve.push_back({p.images, p.loss});
            metrics["epochs"].push_back({{"epoch", e + 1}, {"train_loss", history[e].loss},
                                         {"test_loss", history[e].val_loss}, {"test_accuracy", history[e].val_metric},
                                         {"seconds", history[e].seconds}, {"loss_curve", curve}});
        }
        std::ofstream(o.out_dir + "/metrics.json") << metrics.dump(2) << "\n";
        save_weights(o.out_dir + "/weights.wbt", model.params());
        std::printf("\ntest accuracy %.4f after %d epoch(s); wrote %s/metrics.json, confusion.png, mistakes.png, weights.wbt\n",
                    history.back().val_metric, o.epochs, o.out_dir.c_str());
    } catch (const NotImplemented& e) {
        std::fprintf(stderr, "\nrun 07: %s() is still a stub. Finish that exercise first (./wb grade 04 07 shows which).\n",
                     e.function().c_str());
        return 3;
    }
    return 0;
}
