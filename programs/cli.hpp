// What every chapter program's command line shares: validators whose messages a learner understands (CLI11
// 2.1's PositiveNumber answers "abc" with a range up to a 309-digit number), and a one-line failure message.
// A bad flag exits with CLI11's code (100-127), which ./wb run turns into its own exit code 2.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>

#include <CLI/CLI.hpp>

namespace wb::cli {

/// A number greater than 0 (or, with zero_allowed, at least 0).
inline CLI::Validator number_above_zero(bool zero_allowed = false) {
    return CLI::Validator(
        [zero_allowed](std::string& text) -> std::string {
            double value = 0;
            std::size_t used = 0;
            try {
                value = std::stod(text, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used == 0 || used != text.size()) return "'" + text + "' is not a number";
            if (zero_allowed ? value < 0 : value <= 0)
                return text + " is not " + (zero_allowed ? "0 or more" : "more than 0");
            return "";
        },
        zero_allowed ? "NUMBER >= 0" : "NUMBER > 0");
}
inline const CLI::Validator kPositive = number_above_zero(false);
inline const CLI::Validator kNonNegative = number_above_zero(true);

/// One line for a bad command line: "run 07: --epochs: 'abc' is not a number (--help lists the flags)".
inline void one_line_errors(CLI::App& app, const std::string& program) {
    app.failure_message([program](const CLI::App*, const CLI::Error& e) {
        return program + ": " + e.what() + " (--help lists the flags)\n";
    });
}

/// A program's options from its command line, as `define` declares them; --help, or a bad flag in one line, ends the
/// program here with CLI11's exit code.
template <class Options>
Options parse_or_exit(int argc, char** argv, const std::string& name, void (*define)(CLI::App&, Options&)) {
    Options o;
    CLI::App app{"", name};
    define(app, o);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        std::exit(app.exit(e));
    }
    return o;
}

}  // namespace wb::cli
