// main() of every graded test binary.
//   --wb-manifest       print the graded tests (exercise, test, points, hint) as JSON and exit; the
//                       self-test compares it with the list tools/manifest.py reads from the sources
//                       (the grader never asks a binary that links learner code for its tests)
//   WB_RESULT_FD=n      write one JSON line per finished test on descriptor n: status, first failure
//   WB_HANDOVER_FILE=f  judge one test: f holds what the learner's process handed over
//                       (tests/harness/handover.hpp); "learner_stopped" says it ended before the test did
//   WB_HANDOVER_DIR=d   judge every test asked for, each on its file d/Exercise.Test
//   WB_REFERENCE_FILE=f, WB_REFERENCE_DIR=d   (course mode's unseen-input tests) the reference's hand-over
//                       of the same test on the same drawn inputs, which EXPECT_MATCHES_REFERENCE reads
// tools/grader.py runs each test in its own sandboxed process (--gtest_filter=Exercise.Test) with a
// timeout, so a crash or endless loop costs only that test; a missing result line means it crashed.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/harness/handover_stream.hpp"
#include "tests/harness/registry.hpp"

namespace {

using wb::grading::registry;

/// A failure message as the test's source reads: GoogleTest prints a check's operands after macro expansion,
/// so the judge's `LEARNER(expr)` shows as `::wb::handover::take_over<std::decay_t<decltype(expr)>>(line)`.
std::string as_written(std::string message) {
    static const std::string head = "::wb::handover::take_over<std::decay_t<decltype(";
    for (std::size_t at = message.find(head); at != std::string::npos; at = message.find(head, at + 1)) {
        std::size_t i = at + head.size();
        int depth = 1;
        for (; i < message.size() && depth > 0; ++i) depth += message[i] == '(' ? 1 : message[i] == ')' ? -1 : 0;
        // i is just past the ')' that closes decltype(; then ">>(" line ")"
        const std::size_t tail = message.find(')', i);
        if (depth != 0 || message.compare(i, 3, ">>(") != 0 || tail == std::string::npos) continue;
        const std::string expr = message.substr(at + head.size(), i - 1 - (at + head.size()));
        message.replace(at, tail + 1 - at, expr);
    }
    return message;
}

/// A file's bytes; "" when it cannot be read (the judge then sees a learner that handed over nothing).
std::string read_file(const std::string& path) {
    std::string bytes;
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
        char buffer[1 << 16];
        for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) bytes.append(buffer, n);
        std::fclose(f);
    }
    return bytes;
}

/// A file's bytes, or nullopt when there is no such file (no reference run for this test).
std::optional<std::string> read_if_present(const char* path) {
    if (!path || ::access(path, F_OK) != 0) return std::nullopt;
    return read_file(path);
}

const wb::grading::GradedInfo* find_graded(const std::string& exercise, const std::string& test) {
    for (const auto& g : registry())
        if (g.exercise == exercise && g.test == test) return &g;
    return nullptr;
}

class ResultWriter : public ::testing::EmptyTestEventListener {
public:
    explicit ResultWriter(int fd) : fd_(fd) {}

    void OnTestStart(const ::testing::TestInfo& info) override {
        wb::grading::not_implemented_function().clear();
        wb::grading::learner_stopped() = false;
        first_failure_.clear();
        // A judge of many tests at once: each test's hand-over is the file named after it.
        const std::string name = std::string(info.test_suite_name()) + "." + info.name();
        if (const char* folder = std::getenv("WB_HANDOVER_DIR")) wb::handover::set_input(read_file(std::string(folder) + "/" + name));
        if (const char* folder = std::getenv("WB_REFERENCE_DIR"))
            wb::handover::set_reference_input(read_if_present((std::string(folder) + "/" + name).c_str()));
    }
    void OnTestPartResult(const ::testing::TestPartResult& r) override {
        if (r.failed() && first_failure_.empty()) {
            // GTEST_FAIL's summary starts with "Failed\n"; the harness's own location says nothing.
            first_failure_ = as_written(r.summary());
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
        // error_handler::replace: a message with invalid UTF-8 still makes a record (with U+FFFD)
        const std::string line = nlohmann::json{{"exercise", info.test_suite_name()}, {"test", info.name()},
                                                {"status", status}, {"stub", stub}, {"message", message},
                                                {"learner_stopped", wb::grading::learner_stopped()}}
                                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
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
            nlohmann::json list = nlohmann::json::array();
            for (const auto& g : registry())
                list.push_back({{"exercise", g.exercise}, {"test", g.test}, {"points", g.points}, {"hint", g.hint}});
            std::fputs((list.dump(2) + "\n").c_str(), stdout);
            return 0;
        }
    ::testing::InitGoogleTest(&argc, argv);
    if (const char* path = std::getenv("WB_HANDOVER_FILE")) wb::handover::set_input(read_file(path));
    wb::handover::set_reference_input(read_if_present(std::getenv("WB_REFERENCE_FILE")));
    if (const char* fd = std::getenv("WB_RESULT_FD"))
        ::testing::UnitTest::GetInstance()->listeners().Append(new ResultWriter(std::atoi(fd)));
    return RUN_ALL_TESTS();
}
