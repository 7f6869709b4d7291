// The command line of ./wb run 03, shared by the program and by programs/flags.cpp, which checks a command
// line before anything is built.
#pragma once
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "programs/cli.hpp"

namespace wb::run03 {

struct Options {
    std::string out_dir;
    int steps = 2000;             // training steps per model and task
    int batch = 32;
    int hidden = 64;              // RNN and LSTM hidden units
    int width = 32;               // the attention model's width E
    int heads = 4;
    std::vector<int> lengths{50, 100, 200};
    int copy_symbols = 5;         // K
    int copy_alphabet = 8;        // symbols 1..A; 0 is blank, A + 1 the recall marker
    std::vector<int> copy_gaps{20, 60};
    float clip = 1.0f;
    std::vector<int> recall_pairs{4, 8, 16, 32};  // P
    int recall_steps = 1500;
    int recall_keys = 32;     // keys 0..K-1, distinct within a sequence
    int recall_values = 16;   // values 0..V-1
    int recall_width = 32;    // E: every model's width
    int recall_key_width = 16;      // linear attention's q and k width D
    int recall_state = 64;    // the gated linear recurrence's state S
    bool recall_only = false;
    bool smoke = false;
};

inline void define_options(CLI::App& app, Options& o) {
    app.description("Chapter 03: RNN vs LSTM vs self-attention on long-range memory tasks, on your kernels");
    app.add_option("out_dir", o.out_dir, "where metrics.json and the pictures go")->required();
    app.add_option("--steps", o.steps, "training steps per model and task")->check(wb::cli::kPositive);
    app.add_option("--lengths", o.lengths, "adding-problem lengths T")->check(CLI::Range(4, 2000));
    app.add_option("--gaps", o.copy_gaps, "copy-task gaps")->check(CLI::Range(2, 2000));
    app.add_option("--recall-pairs", o.recall_pairs, "associative recall: numbers of pairs P")->check(CLI::Range(1, 32));
    app.add_option("--recall-steps", o.recall_steps, "associative recall: training steps per model and P")
        ->check(wb::cli::kPositive);
    app.add_flag("--recall-only", o.recall_only, "run only the associative recall part");
    app.add_flag("--smoke", o.smoke, "a tiny run that checks everything works (seconds)");
    wb::cli::one_line_errors(app, "run 03");
}

}  // namespace wb::run03
