// ./wb run NN's command line, checked before the program is built: `program_flags NN out_dir flags...` parses
// the flags exactly as run_NN will (the same define_options, programs/NN_topic/options.hpp) and exits 0 when
// they are good, 2 after one line naming what is wrong, or 0 after printing the program's --help. It links no
// chapter code, so it builds in seconds and a learner's mistyped flag never waits for their build.
#include <cstdio>
#include <functional>
#include <map>
#include <string>

#include <CLI/CLI.hpp>

#include "programs/01_attention/options.hpp"
#include "programs/02_attention_nlp/options.hpp"
#include "programs/03_lstm/options.hpp"
#include "programs/06_attention_rnn_program/options.hpp"
#include "programs/07_cnn_program/options.hpp"
#include "programs/08_gan_program/options.hpp"
#include "programs/09_transformer/options.hpp"
#include "programs/10_diffusion/options.hpp"
#include "programs/11_lm_training/options.hpp"

namespace {

/// Parses argv as program `number` would; returns the exit code.
template <typename Options>
int check(int argc, char** argv, const std::string& name, void (*define)(CLI::App&, Options&),
          std::function<std::string(const CLI::App&, const Options&)> conflict = nullptr) {
    CLI::App app{"", name};
    Options o;
    define(app, o);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;  // 0: --help was printed
    }
    if (conflict) {
        if (const std::string message = conflict(app, o); !message.empty()) {
            std::fprintf(stderr, "%s\n", message.c_str());
            return 2;
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: program_flags NN [the program's arguments]\n");
        return 2;
    }
    const std::string number = argv[1];
    // argv[1] stands in for the program's name, as argv[0] would in the program itself.
    const std::map<std::string, std::function<int()>> programs{
        {"01", [&] { return check(argc - 1, argv + 1, "run_01", &wb::run01::define_options); }},
        {"02", [&] { return check(argc - 1, argv + 1, "run_02", &wb::run02::define_options); }},
        {"03", [&] { return check(argc - 1, argv + 1, "run_03", &wb::run03::define_options); }},
        {"06", [&] { return check(argc - 1, argv + 1, "run_06", &wb::run06::define_options); }},
        {"07", [&] { return check(argc - 1, argv + 1, "run_07", &wb::run07::define_options); }},
        {"08", [&] {
             return check<wb::run08::Options>(argc - 1, argv + 1, "run_08", &wb::run08::define_options,
                                             &wb::run08::flag_conflict);
         }},
        {"09", [&] { return check(argc - 1, argv + 1, "run_09", &wb::run09::define_options); }},
        {"10", [&] { return check(argc - 1, argv + 1, "run_10", &wb::run10::define_options); }},
        {"11", [&] { return check(argc - 1, argv + 1, "run_11", &wb::run11::define_options); }},
    };
    const auto program = programs.find(number);
    if (program == programs.end()) {
        std::string chapters;
        for (const auto& [chapter, unused] : programs) chapters += " " + chapter;
        std::fprintf(stderr, "run %s: chapter %s has no program (./wb run takes%s)\n", number.c_str(), number.c_str(),
                     chapters.c_str());
        return 2;
    }
    return program->second();
}
