// main() of the learner's side of a chapter's graded tests (built with WB_GRADED_RECORD).
//   --wb-manifest        print the graded tests (exercise, test, points) as JSON and exit
//   --wb-list            start up and exit: the grader's start-up probe
//   --wb-run Ex.Test     run one test body; every LEARNER value goes to descriptor WB_RESULT_FD, then an
//                        end, stub or exception record (tests/harness/handover.hpp)
// Nothing here judges: the tests' checks are compiled out, and no expected value is in this program.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "framework/errors.hpp"
#include "tests/harness/graded.hpp"
#include "tests/harness/handover_stream.hpp"
#include "tests/harness/registry.hpp"

namespace wb::grading {

std::vector<GradedInfo>& registry() {
    static std::vector<GradedInfo> tests;
    return tests;
}

int register_graded(const char* exercise, const char* test, int points, const char*, void (*body)()) {
    registry().push_back({exercise, test, points, "", body});
    return static_cast<int>(registry().size());
}

}  // namespace wb::grading

int main(int argc, char** argv) {
    using wb::grading::registry;
    if (argc == 2 && std::strcmp(argv[1], "--wb-manifest") == 0) {
        std::string out = "[";
        for (const auto& g : registry())
            out += std::string(out.size() > 1 ? "," : "") + "{\"exercise\": \"" + g.exercise + "\", \"test\": \"" +
                   g.test + "\", \"points\": " + std::to_string(g.points) + "}";
        std::fputs((out + "]\n").c_str(), stdout);
        return 0;
    }
    if (argc == 2 && std::strcmp(argv[1], "--wb-list") == 0) return 0;
    if (argc != 3 || std::strcmp(argv[1], "--wb-run") != 0) {
        std::fputs("usage: --wb-manifest | --wb-list | --wb-run Exercise.Test\n", stderr);
        return 2;
    }
    const char* fd = std::getenv("WB_RESULT_FD");
    wb::handover::set_output(fd ? std::atoi(fd) : 1);
    for (const auto& g : registry()) {
        if (g.exercise + "." + g.test != argv[2]) continue;
        try {
            g.body();
            wb::handover::send_end();
        } catch (const wb::NotImplemented& e) {
            wb::handover::send_stub(e.function());
        } catch (const std::exception& e) {
            wb::handover::send_exception(e.what());
        } catch (...) {
            wb::handover::send_exception("an exception that is not a std::exception");
        }
        return 0;
    }
    std::fprintf(stderr, "no graded test %s\n", argv[2]);
    return 2;
}
