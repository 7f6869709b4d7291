// Internal to the harness: what GRADED_TEST registers, read by the graded test main.
#pragma once
#include <string>
#include <vector>

namespace wb::grading {

struct GradedInfo {
    std::string exercise, test;
    int points;
    std::string hint;
    void (*body)() = nullptr;  ///< the learner's side (record_main.cpp) runs bodies by name
};

std::vector<GradedInfo>& registry();
/// Set when a graded body stopped at a stub: the stub's function name.
std::string& not_implemented_function();
/// Set by the judge when the learner's process stopped handing over values before the test's end
/// (it crashed, hung or exited): the grader then reports how that process ended.
bool& learner_stopped();

}  // namespace wb::grading
