// The command line of ./wb run 06, shared by the program and by programs/flags.cpp, which checks a command
// line before anything is built.
#pragma once
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "programs/cli.hpp"

namespace wb::run06 {

struct Options {
    std::string out_dir;
    int steps = 2000;  // Adam steps per model and length
    int hidden = 32;
    int seeds = 1;
    int batch = 32;
    float lr = 1e-2f;
    std::vector<int> lengths{25, 50, 100, 200};
    bool smoke = false;
};

inline void define_options(CLI::App& app, Options& o) {
    app.description("Chapter 06: an LSTM with attention against the source's plain LSTM, on marked-digit recall");
    app.add_option("out_dir", o.out_dir, "where metrics.json and the pictures go")->required();
    app.add_option("--steps", o.steps, "training steps per model and length")->check(wb::cli::kPositive);
    app.add_option("--lengths", o.lengths, "sequence lengths T")->delimiter(',')->check(wb::cli::kPositive);
    app.add_option("--hidden", o.hidden, "LSTM hidden units H")->check(wb::cli::kPositive);
    app.add_option("--seeds", o.seeds, "training runs per length, each from other weights and batches")
        ->check(wb::cli::kPositive);
    app.add_flag("--smoke", o.smoke, "a tiny run that checks everything works (seconds)");
    wb::cli::one_line_errors(app, "run 06");
}

}  // namespace wb::run06
