// Errors every part of the workbook throws. Kept tiny: every file includes it.
#pragma once
#include <stdexcept>
#include <string>

namespace wb {

/// Thrown when a tensor's shape does not fit an op. The message names the op and both shapes,
/// e.g. "matmul: a (2, 3) and b (4, 5) disagree: a.cols must equal b.rows".
class ShapeError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Thrown by every learner stub until the exercise is written. `function()` names it,
/// so the grader can tell "not attempted" from a real failure and say which exercise is missing.
class NotImplemented : public std::logic_error {
public:
    explicit NotImplemented(const std::string& function)
        : std::logic_error("not implemented yet: " + function), function_(function) {}
    const std::string& function() const { return function_; }

private:
    std::string function_;
};

/// Thrown when a file cannot be read or written; the message names the path and what is wrong.
class IoError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace wb
