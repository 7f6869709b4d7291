// The command line of ./wb run 08, shared by the program and by programs/flags.cpp, which checks a command
// line before anything is built.
#pragma once
#include <string>

#include <CLI/CLI.hpp>

#include "programs/08_gan_program/recipe.hpp"
#include "programs/cli.hpp"

namespace wb::run08 {

struct Options {
    std::string out_dir;
    std::string classifier;  // weights.wbt of the chapter 07 10-class model
    std::string recipe = "default";  // or "dcgan"
    int epochs = 12;
    int seed = 8;  // G's and D's initialisation, the order of the images, the noise
    float g_lr = gan_recipe::kGeneratorLr, d_lr = gan_recipe::kDiscriminatorLr, mmd_lr = gan_recipe::kMmdLr;
    float ema = 0.0f;  // the weight average samples come from (0: the live weights)
    bool plain_discriminator = false;
    bool smoke = false;
    bool like_the_source = false;
};

inline void define_options(CLI::App& app, Options& o) {
    app.description("Chapter 08: the source's GAN on Fashion-MNIST, trained correctly with your kernels");
    app.add_option("out_dir", o.out_dir, "where metrics.json and the pictures go")->required();
    app.add_option("--recipe", o.recipe, "default: the source's networks, trained correctly; dcgan: a convolutional G "
                   "and a spectrally normalised D with the hinge loss and an EMA of G")
        ->check(CLI::IsMember({"default", "dcgan"}));
    app.add_option("--epochs", o.epochs, "training epochs (default 12; 5 with --recipe dcgan)")->check(wb::cli::kPositive);
    app.add_option("--seed", o.seed, "initialisation, image order and noise (default 8); the samples grid keeps its noise");
    app.add_option("--classifier", o.classifier, "chapter 07 10-class weights.wbt, for the quality score");
    app.add_option("--g-lr", o.g_lr, "the generator's Adam learning rate")->check(wb::cli::kPositive);
    app.add_option("--d-lr", o.d_lr, "the discriminator's Adam learning rate")->check(wb::cli::kPositive);
    app.add_option("--ema", o.ema, "beta of the generator's weight average that samples come from (0: none)")
        ->check(CLI::Range(0.0f, 0.99999f));
    app.add_option("--mmd-lr", o.mmd_lr, "learning rate of G's second step, down the MMD to the real batch (0: no such step)")
        ->check(wb::cli::kNonNegative);
    app.add_flag("--plain-discriminator", o.plain_discriminator,
                 "the source's D without the minibatch standard deviations (it lets G collapse)");
    app.add_flag("--like-the-source", o.like_the_source,
                 "train as the source's program does (one fit of D(G(z)) on class labels), to see it fail");
    app.add_flag("--smoke", o.smoke, "a tiny run that checks everything works (seconds)");
    wb::cli::one_line_errors(app, "run 08");
}

/// After parsing: a flag of the default recipe given with --recipe dcgan, as one line ("" when none).
inline std::string flag_conflict(const CLI::App& app, const Options& o) {
    if (o.recipe != "dcgan") return "";
    for (const char* other : {"--plain-discriminator", "--like-the-source", "--mmd-lr", "--g-lr", "--d-lr"})
        if (app.count(other) > 0) return std::string("run 08: ") + other + " is an option of the default recipe, not of --recipe dcgan";
    return "";
}

}  // namespace wb::run08
