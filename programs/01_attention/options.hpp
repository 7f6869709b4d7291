// The command line of ./wb run 01, shared by the program and by programs/flags.cpp, which checks a command
// line before anything is built.
#pragma once
#include <string>

#include <CLI/CLI.hpp>

#include "programs/cli.hpp"

namespace wb::run01 {

struct Options {
    std::string out_dir = "build/out/01";
    bool smoke = false;  // accepted for symmetry with chapter 07: this experiment is quick anyway
};

inline void define_options(CLI::App& app, Options& o) {
    app.description("Chapter 01's experiment: why attention divides the scores by sqrt(D)");
    app.add_option("out_dir", o.out_dir, "output folder");
    app.add_flag("--smoke", o.smoke, "the same run (it takes a second)");
    wb::cli::one_line_errors(app, "run 01");
}

}  // namespace wb::run01
