// main() of every graded test binary.
//   --wb-manifest       print the graded tests (exercise, test, points, hint) as JSON and exit; the
//                       self-test compares it with the list tools/manifest.py reads from the sources
//                       (the grader never asks a binary that links learner code for its tests)
//   WB_RESULT_FD=n      write one JSON line per finished test on descriptor n: status, first failure
// tools/grader.py runs each test in its own sandboxed process (--gtest_filter=Exercise.Test) with a
// timeout, so a crash or endless loop costs only that test; a missing result line means it crashed.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tests/harness/registry.hpp"

namespace {

using wb::grading::registry;

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
}

const wb::grading::GradedInfo* find_graded(const std::string& exercise, const std::string& test) {
    for (const auto& g : registry())
        if (g.exercise == exercise && g.test == test) return &g;
    return nullptr;
}

class ResultWriter : public ::testing::EmptyTestEventListener {
public:
    explicit ResultWriter(int fd) : fd_(fd) {}

    void OnTestStart(const ::testing::TestInfo&) override {
        wb::grading::not_implemented_function().clear();
        first_failure_.clear();
    }
    void OnTestPartResult(const ::testing::TestPartResult& r) override {
        if (r.failed() && first_failure_.empty()) {
            // GTEST_FAIL's summary starts with "Failed\n"; the harness's own location says nothing.
            first_failure_ = r.summary();
            if (first_failure_.rfind("Failed\n", 0) == 0) first_failure_.erase(0, 7);
            const std::string file = r.file_name() ? r.file_name() : "";
            if (!file.empty() && file.find("tests/harness/") == std::string::npos)
                first_failure_ += " (" + file + ":" + std::to_string(r.line_number()) + ")";
        }
    }
    void OnTestEnd(const ::testing::TestInfo& info) override {
        const auto* g = find_graded(info.test_suite_name(), info.name());
        const std::string& stub = wb::grading::not_implemented_function();
        const bool passed = info.result()->Passed();
        const char* status = passed ? "passed" : !stub.empty() ? "not_attempted" : "failed";
        if (!g) status = "failed";  // a GoogleTest test that is not a graded test earns nothing
        const std::string message = first_failure_.size() > kMaxMessage ? first_failure_.substr(0, kMaxMessage) + "..."
                                                                       : first_failure_;
        const std::string line = "{\"exercise\": " + json_string(info.test_suite_name()) +
                                 ", \"test\": " + json_string(info.name()) + ", \"status\": \"" + status +
                                 "\", \"stub\": " + json_string(stub) + ", \"message\": " + json_string(message) + "}\n";
        for (std::size_t done = 0; done < line.size();) {
            const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
    }

private:
    static constexpr std::size_t kMaxMessage = 4000;
    int fd_;
    std::string first_failure_;
};

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--wb-manifest") == 0) {
            std::string out = "[\n";
            for (std::size_t k = 0; k < registry().size(); ++k) {
                const auto& g = registry()[k];
                out += "  {\"exercise\": " + json_string(g.exercise) + ", \"test\": " + json_string(g.test) +
                       ", \"points\": " + std::to_string(g.points) + ", \"hint\": " + json_string(g.hint) + "}" +
                       (k + 1 < registry().size() ? ",\n" : "\n");
            }
            std::fputs((out + "]\n").c_str(), stdout);
            return 0;
        }
    ::testing::InitGoogleTest(&argc, argv);
    if (const char* fd = std::getenv("WB_RESULT_FD"))
        ::testing::UnitTest::GetInstance()->listeners().Append(new ResultWriter(std::atoi(fd)));
    return RUN_ALL_TESTS();
}
