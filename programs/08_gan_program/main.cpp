// ./wb run 08 [--solutions] [--recipe default|dcgan] [--epochs N] [--seed S] [--g-lr R] [--d-lr R] [--mmd-lr R]
//            [--ema B] [--plain-discriminator] [--like-the-source] [--smoke]
//
// Trains the source's GAN on Fashion-MNIST, correctly: images scaled to [-1, 1] (your to_tanh_range), your
// generator and discriminator (chapter 08, the discriminator on your chapter 04 convolution, with minibatch
// standard deviations per feature and per channel: without them this D lets G collapse), your alternating
// step and losses (chapter 05), Adam with beta1 = 0.5, learning rate 2e-3 for G and 5e-5 for D, batch 64,
// 12 epochs. After each alternating step G takes a second step, with its own Adam (1e-3), down the kernel
// MMD between G(noise) and the real batch (programs/08_gan_program/recipe.hpp): D scores one image at a time
// and cannot see that G draws too many sandals and too few dresses; the MMD does, and without it the weakest
// class of some seeds stays below 3% (the chapter page). --mmd-lr 0 trains without it.
// With --ema B, samples and scores come from an exponential moving average of G's weights (as ProGAN and
// StyleGAN sample; the live G is scored too); it did not help here (the chapter page), so it is off.
// --plain-discriminator trains the source's D as it is (with --mmd-lr 0 as well, to watch the collapse).
// After every epoch: a grid of 64 samples from the same fixed noise (samples_epoch_K.png), so you see
// the generator improve; and, with --classifier (./wb run 08 trains and caches one with the reference
// kernels), the quality score: the Fréchet distance (your frechet_distance) between 1000 generated and
// 1000 real test images in the feature space of the chapter 07 10-class classifier, and the share of
// each class among the generated images (your class_shares). At the end, an augmentation study: does adding
// generated images help a classifier with 60 real images per class? Writes metrics.json and weights.wbt.
//
// --recipe dcgan trains what a strong candidate would build today instead of the source's networks
// (programs/08_gan_program/dcgan.hpp): a convolutional G on your chapter 05 pixel shuffle, a spectrally
// normalised convolutional D, the hinge loss, Adam (2e-4, beta1 0.5), samples from an EMA of G (0.999),
// 5 epochs. It is scored the same way, so the page quotes the two recipes side by side.
//
// --like-the-source trains the same two networks the way the source's program does, to watch it fail:
// one combined model D(sigmoid)(G(z)), fitted with Keras's clipped binary cross-entropy on the class
// labels 0..9 as targets, by one Adam (1e-4, Keras's beta1 0.9) over G's and D's weights together, so D
// is never frozen and never sees a real image. (The source passes the images to the noise input, which
// Keras rejects; fresh noise stands in for them here.) Everything else (samples, scores) is as above.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "chapters/05_gan/augment.hpp"
#include "chapters/05_gan/gan_step.hpp"
#include "chapters/08_gan_program/gan_data.hpp"
#include "chapters/08_gan_program/gan_models.hpp"
#include "chapters/08_gan_program/quality.hpp"
#include "framework/conv_kernels.hpp"
#include "framework/data.hpp"
#include "framework/heap.hpp"
#include "framework/linalg.hpp"
#include "framework/losses.hpp"
#include "framework/png.hpp"
#include "framework/progress.hpp"
#include "framework/serialize.hpp"
#include "framework/training.hpp"
#include "layers/cnn_layers.hpp"
#include "programs/08_gan_program/dcgan.hpp"
#include "programs/classifier07.hpp"
#include "programs/08_gan_program/options.hpp"
#include "programs/08_gan_program/recipe.hpp"
#include "programs/cli.hpp"

using namespace wb;

namespace {

using run08::Options;

Tensor generate(Sequential& generator, int n, Rng& rng) {
    return from_tanh_range(generator.forward(Tensor::randn({n, kNoiseSize}, rng)));
}

// D's accuracy on held-out images, for the source's run, which never measures it: real test images
// (in [-1, 1]) should get a logit > 0, generated ones a logit < 0.
void held_out_accuracies(Sequential& generator, Sequential& discriminator, const Tensor& real, nlohmann::json& record) {
    Rng rng(6);
    const Tensor real_logits = discriminator.forward(real);
    const Tensor fake_logits = discriminator.forward(generator.forward(Tensor::randn({real.dim(0), kNoiseSize}, rng)));
    double real_right = 0, fake_right = 0;
    for (int i = 0; i < real.dim(0); ++i) real_right += real_logits(i, 0) > 0, fake_right += fake_logits(i, 0) < 0;
    record["d_real_accuracy"] = real_right / real.dim(0);
    record["d_fake_accuracy"] = fake_right / real.dim(0);
}

// Does a GAN's output help a classifier that has little real data? The chapter 07 10-class architecture is
// trained three times from the same initialisation on the same number of images: a few real images per class
// alone (repeated), the same plus copies transformed by your chapter 05 augment (flip, shift), and the same plus
// generated images labelled by the first classifier (this G is unconditional: it draws no labels). Returns
// the test accuracy of each; the classic augmentation is the baseline generated images must beat.
nlohmann::json augmentation_study(Sequential& generator, const Dataset& data, bool smoke) {
    const int per_class = smoke ? 3 : 60, copies = 4, epochs = smoke ? 1 : 10, test_n = smoke ? 200 : data.test_x.dim(0);
    std::vector<int> rows, taken(10, 0);  // the first per_class images of each class
    for (int i = 0; i < data.train_y.dim(0) && static_cast<int>(rows.size()) < 10 * per_class; ++i) {
        const int label = static_cast<int>(data.train_y[static_cast<std::size_t>(i)]);
        if (taken[label] < per_class) ++taken[label], rows.push_back(i);
    }
    const Tensor real_x = take_rows(data.train_x, rows), real_y = take_rows(data.train_y, rows);
    const Tensor test_x = slice_rows(data.test_x, 0, test_n), test_y = slice_rows(data.test_y, 0, test_n);
    std::vector<int> repeated;  // real_x `copies` times over
    for (int c = 0; c < copies; ++c)
        for (int i = 0; i < real_x.dim(0); ++i) repeated.push_back(i);

    // every variant: the same model, initialisation, optimizer and number of images per epoch
    auto train_and_test = [&](const Tensor& x, const Tensor& y, Sequential* keep) {
        Rng rng(11);
        Sequential model;
        model.add<Conv2D>(1, 32, 3, rng);  // -> (N, 32, 26, 26)
        model.add<ReLU>();
        model.add<MaxPool2D>(2);            // -> (N, 32, 13, 13)
        model.add<Flatten>();
        model.add<Dense>(32 * 13 * 13, 10, rng);
        fuse_conv_relu_pool(model);
        Adam adam(1e-3f);
        const StepFn step = [&](const Tensor& bx, const Tensor& by) {
            const LossResult l = softmax_cross_entropy_loss(model.forward(bx), by);
            model.backward(l.grad);
            adam.step(model.params());
            return l.loss;
        };
        FitOptions options;
        options.epochs = epochs, options.seed = 12, options.progress = false;
        fit(model, x, y, step, softmax_cross_entropy_loss, argmax_accuracy, options);
        const double accuracy = evaluate(model, test_x, test_y, softmax_cross_entropy_loss, argmax_accuracy).metric;
        if (keep) *keep = std::move(model);
        return accuracy;
    };
    Sequential real_only;
    const Tensor repeated_x = take_rows(real_x, repeated), repeated_y = take_rows(real_y, repeated);
    const double real_accuracy = train_and_test(repeated_x, repeated_y, &real_only);

    Rng rng(13);
    AugmentOptions flips_and_shifts;  // a flip with probability 1/2 and a shift of up to 2 pixels, no noise
    const Tensor augmented = concat_rows(real_x, augment(slice_rows(repeated_x, real_x.dim(0), repeated_x.dim(0)),
                                                         flips_and_shifts, rng));
    const double augmented_accuracy = train_and_test(augmented, repeated_y, nullptr);

    const int extra = (copies - 1) * real_x.dim(0);
    const Tensor generated = generate(generator, extra, rng);
    const Tensor guessed = real_only.forward(generated);  // (extra, 10) logits of the real-only classifier
    Tensor labels({extra});
    for (int i = 0; i < extra; ++i)
        labels[static_cast<std::size_t>(i)] = static_cast<float>(std::max_element(&guessed(i, 0), &guessed(i, 0) + 10) - &guessed(i, 0));
    const double generated_accuracy = train_and_test(concat_rows(real_x, generated), concat_rows(real_y, labels), nullptr);
    return {{"real_per_class", per_class}, {"images_per_epoch", repeated_x.dim(0)}, {"epochs", epochs},
            {"test_images", test_n}, {"real_only", real_accuracy}, {"real_and_augmented", augmented_accuracy},
            {"real_and_generated", generated_accuracy}};
}

}  // namespace

int main(int argc, char** argv) {
    keep_freed_memory_for_reuse();
    CLI::App app;
    Options o;
    run08::define_options(app, o);
    CLI11_PARSE(app, argc, argv);
    const bool dcgan = o.recipe == "dcgan";
    if (const std::string conflict = run08::flag_conflict(app, o); !conflict.empty()) {
        std::fprintf(stderr, "%s\n", conflict.c_str());
        return 2;
    }
    if (dcgan) {
        o.mmd_lr = 0;
        o.g_lr = dcgan::kGeneratorLr;
        o.d_lr = dcgan::kDiscriminatorLr;
        if (app.count("--epochs") == 0) o.epochs = 5;
        if (app.count("--ema") == 0) o.ema = dcgan::kEmaBeta;
    }
    std::filesystem::create_directories(o.out_dir);

    try {
        const Dataset data = load_fashion_mnist();
        const int train_n = o.smoke ? 640 : data.train_x.dim(0), batch = kGanBatch, score_n = o.smoke ? 100 : 1000;
        if (o.smoke && app.count("--epochs") == 0) o.epochs = 1;
        const Tensor real_images = to_tanh_range(slice_rows(data.train_x, 0, train_n));

        Rng rng(static_cast<std::uint64_t>(o.seed));
        Sequential generator = dcgan ? dcgan::build_generator(rng) : build_generator(rng);
        Sequential discriminator = dcgan ? dcgan::build_discriminator(rng)
                                         : build_discriminator(rng, !o.plain_discriminator && !o.like_the_source);
        // D's conv, ReLU and pool as one layer when your conv2d_relu_maxpool_forward is written (chapter 04)
        const bool fused = fuse_conv_relu_pool(discriminator) > 0;
        const float beta1 = dcgan ? dcgan::kBeta1 : gan_recipe::kBeta1, beta2 = dcgan ? dcgan::kBeta2 : 0.999f;
        Adam g_opt(o.g_lr, beta1, beta2), d_opt(o.d_lr, beta1, beta2), mmd_opt(o.mmd_lr, gan_recipe::kBeta1);
        const bool averaged = o.ema > 0 && !o.like_the_source;
        WeightAverage average(generator.params(), averaged ? o.ema : 0.0f);
        // the source's run: one Adam over both networks, Keras's defaults but for the learning rate
        Adam source_opt(1e-4f);
        std::vector<Param> all_params = generator.params();
        for (const Param& p : discriminator.params()) all_params.push_back(p);
        Sigmoid source_sigmoid;  // the source's D ends in a sigmoid
        if (o.like_the_source) discriminator.set_input_grad(true);  // the fit reaches G through D
        const Tensor train_labels = slice_rows(data.train_y, 0, train_n);
        Rng noise_rng(static_cast<std::uint64_t>(2000 + o.seed)), fixed_rng(64);
        const Tensor fixed_noise = Tensor::randn({64, kNoiseSize}, fixed_rng);

        // The quality score's reference: real test images through the classifier.
        const bool scored = !o.classifier.empty();
        Classifier classifier;
        Tensor real_features, real_logits;
        if (scored) {
            classifier = load_classifier(o.classifier);
            classify(classifier, slice_rows(data.test_x, 0, score_n), real_features, real_logits);
        }
        if (o.like_the_source)
            std::printf("LIKE THE SOURCE: one fit of D(G(z)) on the class labels, D never frozen, no D step. "
                        "Expect it to fail.\n");
        char recipe[160];
        if (o.like_the_source)
            std::snprintf(recipe, sizeof recipe, "one Adam 1e-4 (beta1 0.9) over G and D");
        else if (dcgan)
            std::snprintf(recipe, sizeof recipe, "DCGAN recipe: conv G with pixel shuffle, spectrally normalised D, hinge "
                          "loss, Adam (beta1 %g) G %g, D %g, EMA of G %g", dcgan::kBeta1, o.g_lr, o.d_lr, o.ema);
        else
            std::snprintf(recipe, sizeof recipe, "Adam (beta1 0.5) G %g, D %g, %s, %s", o.g_lr, o.d_lr,
                          o.plain_discriminator ? "the source's plain D" : "D with minibatch stddevs",
                          o.mmd_lr > 0 ? "then G's MMD step" : "no MMD step");
        std::printf("Chapter 08 (%s kernels): %s, %d training images, batch %d, %s\n"
                    "G: %zu parameters, D: %zu parameters (conv, ReLU and pool %s); quality score %s\n\n",
                    WB_FLAVOUR, dcgan ? "a DCGAN" : "the source's GAN", train_n, batch, recipe, generator.parameter_count(), discriminator.parameter_count(),
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
            double d_loss = 0, g_loss = 0, real_acc = 0, fake_acc = 0, mmd_sum = 0;
            for (int step = 0; step < steps; ++step) {
                const std::vector<int> rows(order.begin() + step * batch, order.begin() + (step + 1) * batch);
                const Tensor noise = Tensor::randn({batch, kNoiseSize}, noise_rng);
                if (o.like_the_source) {
                    // model.fit(x, y_train): D(G(z)) against the class labels, every weight stepped
                    const Tensor probs = source_sigmoid.forward(discriminator.forward(generator.forward(noise)));
                    const LossResult fit = bce_loss(probs, take_rows(train_labels, rows).reshaped({batch, 1}));
                    generator.backward(discriminator.backward(source_sigmoid.backward(fit.grad)));
                    source_opt.step(all_params);
                    g_loss += fit.loss;
                } else {
                    const Tensor real = take_rows(real_images, rows);
                    const GanStepStats s = dcgan ? dcgan::hinge_train_step(generator, discriminator, real, noise, g_opt, d_opt)
                                                 : gan_train_step(generator, discriminator, real, noise, g_opt, d_opt);
                    d_loss += s.d_loss, g_loss += s.g_loss, real_acc += s.real_accuracy, fake_acc += s.fake_accuracy;
                    if (o.mmd_lr > 0) mmd_sum += gan_recipe::mmd_step(generator, noise, real, mmd_opt);
                    if (averaged) average.update(generator.params());
                }
                if ((step + 1) % 20 == 0 || step + 1 == steps) {
                    char shown[128];
                    if (o.like_the_source)
                        std::snprintf(shown, sizeof shown, "fit loss %.3f", g_loss / (step + 1));
                    else
                        std::snprintf(shown, sizeof shown, "D %.3f G %.3f acc real %.2f fake %.2f MMD %.3f",
                                      d_loss / (step + 1), g_loss / (step + 1), real_acc / (step + 1),
                                      fake_acc / (step + 1), mmd_sum / (step + 1));
                    bar.update(step + 1, shown);
                }
            }
            bar.finish();
            nlohmann::json record{{"epoch", epoch}, {"seconds", bar.elapsed_seconds()}};
            if (o.like_the_source) {
                record["fit_loss"] = g_loss / steps;
                held_out_accuracies(generator, discriminator, to_tanh_range(slice_rows(data.test_x, 0, score_n)), record);
                std::printf("  D on held-out images: real %.2f, generated %.2f\n", record["d_real_accuracy"].get<double>(),
                            record["d_fake_accuracy"].get<double>());
            } else {
                record.update({{"d_loss", d_loss / steps}, {"g_loss", g_loss / steps},
                               {"d_real_accuracy", real_acc / steps}, {"d_fake_accuracy", fake_acc / steps},
                               {"mmd", mmd_sum / steps}});
            }
            if (averaged && scored) {  // the live G too, for comparison
                nlohmann::json live;
                Rng live_rng(5);
                score(live, live_rng);
                record["live_frechet_distance"] = live["frechet_distance"];
                record["live_class_shares"] = live["class_shares"];
            }
            if (averaged) average.swap(generator.params());  // samples and scores from the average
            Rng sample_rng(5);
            score(record, sample_rng);
            if (scored) {
                const std::vector<double> shares = record["class_shares"];
                char live[40] = "";
                if (averaged) std::snprintf(live, sizeof live, ", live G %.4f", record["live_frechet_distance"].get<double>());
                std::printf("  Frechet distance %.4f (untrained %.4f%s), smallest class share %.1f%%\n",
                            record["frechet_distance"].get<double>(), epochs[0]["frechet_distance"].get<double>(), live,
                            100 * *std::min_element(shares.begin(), shares.end()));
            }
            epochs.push_back(record);
            // the same noise every epoch: the grid shows the generator improving
            const std::string grid = o.out_dir + "/samples_epoch_" + std::to_string(epoch) + ".png";
            write_png(grid, zoomed(image_grid(from_tanh_range(generator.forward(fixed_noise)), 8), 2));
            std::filesystem::copy_file(grid, o.out_dir + "/samples.png", std::filesystem::copy_options::overwrite_existing);
            if (averaged && epoch < o.epochs) average.swap(generator.params());  // training goes on with the live G
        }

        nlohmann::json study;
        if (!o.like_the_source) {
            std::printf("\nAugmentation study: a classifier trained on few real images per class, alone, with your augment, "
                        "with generated images ...\n");
            std::fflush(stdout);
            study = augmentation_study(generator, data, o.smoke);
            std::printf("  test accuracy with %d real images per class: alone %.3f, + flipped and shifted copies %.3f, "
                        "+ generated images %.3f\n", study["real_per_class"].get<int>(), study["real_only"].get<double>(),
                        study["real_and_augmented"].get<double>(), study["real_and_generated"].get<double>());
        }
        // the classifier's own confusions make even real test images' shares uneven: the baseline
        const nlohmann::json real_shares = scored ? nlohmann::json(class_shares(real_logits)) : nlohmann::json();
        nlohmann::json metrics{{"kernels", WB_FLAVOUR}, {"recipe", o.recipe}, {"train_images", train_n}, {"batch", batch},
                               {"like_the_source", o.like_the_source}, {"g_learning_rate", o.like_the_source ? 1e-4f : o.g_lr},
                               {"d_learning_rate", o.like_the_source ? 1e-4f : o.d_lr},
                               {"loss", dcgan ? "hinge" : "bce"},
                               {"mmd_learning_rate", o.like_the_source ? 0.0f : o.mmd_lr},
                               {"beta1", o.like_the_source ? 0.9 : dcgan ? 0.0 : 0.5},
                               {"minibatch_stddev", !dcgan && !o.plain_discriminator && !o.like_the_source}, {"seed", o.seed},
                               {"weight_average", averaged ? o.ema : 0.0f},
                               {"scored", scored}, {"real_class_shares", real_shares}, {"epochs", epochs},
                               {"augmentation_study", study}};
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
    } catch (const std::exception& e) {  // a bad shape from a kernel
        std::fprintf(stderr, "\nrun 08: %s\n", e.what());
        return 1;
    }
    return 0;
}
