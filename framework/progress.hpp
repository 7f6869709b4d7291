// A one-line progress bar for long work: "epoch 1/2 [=====>     ] 120/1875 loss 0.4123 acc 0.861 ETA 12s".
// On a terminal it redraws in place; into a file or pipe it prints a line every 10%.
#pragma once
#include <chrono>
#include <string>

namespace wb {

class ProgressBar {
public:
    /// label: e.g. "epoch 1/2"; total: the number of steps.
    ProgressBar(std::string label, long total, bool enabled = true);
    /// Moves to `done` steps; `metrics` is shown after the counter, e.g. "loss 0.41 acc 0.86".
    void update(long done, const std::string& metrics = "");
    /// Draws the final state and ends the line, with the elapsed time.
    void finish(const std::string& metrics = "");
    double elapsed_seconds() const;

private:
    std::string label_;
    long total_;
    bool enabled_;
    bool tty_;
    int last_decile_ = -1;
    std::chrono::steady_clock::time_point start_, last_draw_;
};

/// Seconds of wall time since `start`, for the timings a program reports beside its progress bars.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace wb
