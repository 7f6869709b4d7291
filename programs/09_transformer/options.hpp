// The command line of ./wb run 09, shared by the program and by programs/flags.cpp, which checks a command
// line before anything is built.
#pragma once
#include <string>

#include <CLI/CLI.hpp>

#include "programs/cli.hpp"

namespace wb::run09 {

struct Options {
    std::string out_dir = "build/out/09";
    std::string corpus = "en";
    int epochs = 4;
    int steps = 150;     // training steps per epoch
    int batch = 16;      // windows per step
    int context = 128;   // tokens per window
    int seed = 0;        // 0: the published run (seed 1)
    std::string twin;    // a folder: write the initial weights and the data for the PyTorch twin there
    bool smoke = false;
};

inline void define_options(CLI::App& app, Options& o) {
    app.description("Trains a small GPT (chapter 09's decoder blocks) on a Debian text corpus with your kernels, "
                    "then samples from it and times generation with and without the KV cache");
    app.add_option("out_dir", o.out_dir, "output folder");
    app.add_option("--corpus", o.corpus, "en: the English fortunes (fortunes); zh: Tang and Song poems (fortunes-zh)")
        ->check(CLI::IsMember({"en", "zh"}));
    app.add_option("--epochs", o.epochs, "epochs of --steps training steps each")->check(wb::cli::kPositive);
    app.add_option("--steps", o.steps, "training steps per epoch")->check(wb::cli::kPositive);
    app.add_option("--batch", o.batch, "windows per training step")->check(wb::cli::kPositive);
    app.add_option("--context", o.context, "tokens per training window")->check(wb::cli::kPositive);
    app.add_option("--seed", o.seed, "seed of the initialisation and the batches (0: the published run's 1)")
        ->check(wb::cli::kNonNegative);
    app.add_option("--twin", o.twin, "also write the initial weights and every batch to this folder, for the PyTorch "
                                     "twin (programs/09_transformer/twin_torch.py; ./wb run 09 --twin runs it)");
    app.add_flag("--smoke", o.smoke, "a quick run: 2 epochs of 4 steps of a narrower model");
    wb::cli::one_line_errors(app, "run 09");
}

}  // namespace wb::run09
