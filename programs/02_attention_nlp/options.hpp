// The command line of ./wb run 02, shared by the program and by programs/flags.cpp, which checks a command
// line before anything is built.
#pragma once
#include <string>

#include <CLI/CLI.hpp>

#include "programs/cli.hpp"

namespace wb::run02 {

struct Options {
    std::string out_dir;
    int date_epochs = 12;
    int sentence_epochs = 6;
    int qa_epochs = 30;
    bool smoke = false;
};

inline void define_options(CLI::App& app, Options& o) {
    app.description("Chapter 02: attention in NLP, date translation and sentence classification with your kernels");
    app.add_option("out_dir", o.out_dir, "where metrics.json and the pictures go")->required();
    app.add_option("--epochs", o.date_epochs, "training epochs of the date models")->check(wb::cli::kPositive);
    app.add_option("--sentence-epochs", o.sentence_epochs, "training epochs of the sentence classifiers")
        ->check(wb::cli::kPositive);
    app.add_option("--qa-epochs", o.qa_epochs, "training epochs of the question answering model")
        ->check(wb::cli::kPositive);
    app.add_flag("--smoke", o.smoke, "a tiny run that checks everything works (seconds)");
    wb::cli::one_line_errors(app, "run 02");
}

}  // namespace wb::run02
