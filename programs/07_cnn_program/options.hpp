// The command line of ./wb run 07, shared by the program and by programs/flags.cpp, which checks a command
// line before anything is built.
#pragma once
#include <string>

#include <CLI/CLI.hpp>

#include "programs/cli.hpp"

namespace wb::run07 {

struct Options {
    std::string out_dir = "build/out/07";
    std::string task = "binary";
    int epochs = 1;
    int limit = 0;  // train on the first `limit` images only (0 = all)
    int seed = 0;   // 0: the published run (initialisation seed 7, shuffling seed 1); else both from it
    bool smoke = false;
};

inline void define_options(CLI::App& app, Options& o) {
    app.description("Trains the chapter 07 CNN on Fashion-MNIST with your kernels");
    app.add_option("out_dir", o.out_dir, "output folder");
    app.add_option("--epochs", o.epochs, "training epochs")->check(wb::cli::kPositive);
    app.add_option("--task", o.task, "binary (the source's model) or 10class (the fix)")
        ->check(CLI::IsMember({"binary", "10class"}));
    app.add_option("--limit", o.limit, "train on the first N images only (0: all)")->check(wb::cli::kNonNegative);
    app.add_option("--seed", o.seed, "seed of the initialisation and the shuffling (0: the published run's 7 and 1)")
        ->check(wb::cli::kNonNegative);
    app.add_flag("--smoke", o.smoke, "a quick run: 3000 training images");
    wb::cli::one_line_errors(app, "run 07");
}

}  // namespace wb::run07
