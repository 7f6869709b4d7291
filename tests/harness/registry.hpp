// Internal to the harness: what GRADED_TEST registers, read by the graded test main.
#pragma once
#include <string>
#include <vector>

namespace wb::grading {

struct GradedInfo {
    std::string exercise, test;
    int points;
    std::string hint;
};

std::vector<GradedInfo>& registry();
/// Set when a graded body stopped at a stub: the stub's function name.
std::string& not_implemented_function();

}  // namespace wb::grading
