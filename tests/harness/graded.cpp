#include "tests/harness/graded.hpp"

#include <cctype>
#include <cmath>
#include <sstream>

#include "tests/harness/handover_stream.hpp"
#include "tests/harness/registry.hpp"

namespace wb::grading {

std::vector<GradedInfo>& registry() {
    static std::vector<GradedInfo> tests;
    return tests;
}

std::string& not_implemented_function() {
    static std::string name;
    return name;
}

bool& learner_stopped() {
    static bool stopped = false;
    return stopped;
}

int register_graded(const char* exercise, const char* test, int points, const char* hint, void (*body)()) {
    registry().push_back({exercise, test, points, hint, body});
    return static_cast<int>(registry().size());
}

void run_graded(void (*body)()) {
    using handover::LearnerStopped;
    try {
        body();
    } catch (const NotImplemented& e) {
        not_implemented_function() = e.function();
        GTEST_FAIL() << e.function() << "() still throws wb::NotImplemented";
    } catch (const LearnerStopped& e) {  // the judge: what the learner's process handed over instead of a value
        switch (e.kind()) {
            case LearnerStopped::stub:
                not_implemented_function() = e.detail();
                GTEST_FAIL() << e.detail() << "() still throws wb::NotImplemented";
            case LearnerStopped::threw:
                GTEST_FAIL() << "threw an exception the test did not expect: " << e.detail();
            case LearnerStopped::ended:
                learner_stopped() = true;
                GTEST_FAIL() << e.detail();
            case LearnerStopped::malformed:
                GTEST_FAIL() << e.detail();
        }
    } catch (const handover::GraderFault& e) {
        GTEST_FAIL() << "the grader failed on this test, not your code: " << e.what() << " (please report it)";
    } catch (const std::exception& e) {
        GTEST_FAIL() << "threw an exception the test did not expect: " << e.what();
    }
    // The judge: a body that ran to its end must have used exactly what the learner's process handed over.
    if (handover::judging() && !::testing::Test::HasFailure()) {
        const std::string problem = handover::finish();
        if (problem.find("stopped before") != std::string::npos) learner_stopped() = true;
        if (!problem.empty()) GTEST_FAIL() << problem;
    }
}

bool names_op(const std::string& message, const std::string& op) {
    if (op.empty()) return false;
    const auto is_name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    for (std::size_t at = message.find(op); at != std::string::npos; at = message.find(op, at + 1)) {
        const std::size_t end = at + op.size();
        const bool starts = at == 0 || !(is_name_char(message[at - 1]) || message[at - 1] == ':');
        const bool ends = end == message.size() || !(is_name_char(message[end]) ||
                                                    (message[end] == ':' && end + 1 < message.size() && message[end + 1] == ':'));
        if (starts && ends) return true;
    }
    return false;
}

static std::string index_string(const Shape& shape, std::size_t flat) {
    Shape idx(shape.size());
    for (std::size_t d = shape.size(); d-- > 0;) {
        idx[d] = static_cast<int>(flat % static_cast<std::size_t>(shape[d]));
        flat /= static_cast<std::size_t>(shape[d]);
    }
    std::string s = "[";
    for (std::size_t d = 0; d < idx.size(); ++d) s += (d ? ", " : "") + std::to_string(idx[d]);
    return s + "]";
}

::testing::AssertionResult tensors_near(const char* got_expr, const char* expected_expr, const char*,
                                        const Tensor& got, const Tensor& expected, Tolerance tol) {
    if (got.shape() != expected.shape())
        return ::testing::AssertionFailure() << got_expr << " has shape " << to_string(got.shape()) << ", expected "
                                             << to_string(expected.shape()) << " (" << expected_expr << ")";
    double max_abs = 0.0, max_rel = 0.0;
    std::size_t first_bad = got.size(), bad = 0, not_finite = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        const double g = got[i], e = expected[i];
        const double err = std::abs(g - e);
        const bool ok = err <= tol.abs + tol.rel * std::abs(e);  // false for NaN too
        if (!std::isfinite(g)) ++not_finite;
        if (!std::isnan(err)) {
            max_abs = std::max(max_abs, err);
            max_rel = std::max(max_rel, err / std::max(1e-12, std::abs(e)));
        }
        if (!ok) {
            ++bad;
            if (first_bad == got.size()) first_bad = i;
        }
    }
    if (bad == 0) return ::testing::AssertionSuccess();
    std::ostringstream msg;
    msg.precision(7);
    msg << got_expr << " differs from " << expected_expr << " at " << bad << " of " << got.size()
        << " elements (tolerance abs " << tol.abs << " + rel " << tol.rel << ")";
    if (not_finite > 0) msg << "; " << not_finite << " of the values are NaN or inf (an overflow, or 0/0?)";
    msg << "; max abs error " << max_abs
        << ", max rel error " << max_rel << "; first at " << index_string(got.shape(), first_bad)
        << ": expected " << expected[first_bad] << ", got " << got[first_bad];
    int shown = 0;
    for (std::size_t i = first_bad + 1; i < got.size() && shown < 3; ++i) {
        const double err = std::abs(static_cast<double>(got[i]) - expected[i]);
        if (!(err <= tol.abs + tol.rel * std::abs(static_cast<double>(expected[i])))) {
            msg << "; at " << index_string(got.shape(), i) << ": expected " << expected[i] << ", got " << got[i];
            ++shown;
        }
    }
    return ::testing::AssertionFailure() << msg.str();
}

}  // namespace wb::grading
