#include "framework/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace wb {

ProgressBar::ProgressBar(std::string label, long total, bool enabled)
    : label_(std::move(label)), total_(total > 0 ? total : 1), enabled_(enabled),
      tty_(isatty(fileno(stderr)) != 0), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

double ProgressBar::elapsed_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressBar::update(long done, const std::string& metrics) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double eta = done > 0 ? elapsed * static_cast<double>(total_ - done) / done : 0.0;
    if (tty_) {
        // Redraw at most 10 times a second: printing is not free.
        if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
        last_draw_ = now;
        constexpr int kWidth = 24;
        const int filled = static_cast<int>(kWidth * done / total_);
        std::string bar(static_cast<std::size_t>(filled), '=');
        if (filled < kWidth) bar += '>' + std::string(static_cast<std::size_t>(kWidth - filled - 1), ' ');
        std::fprintf(stderr, "\r%s [%s] %ld/%ld %s ETA %.0fs \x1b[K", label_.c_str(), bar.c_str(), done,
                     total_, metrics.c_str(), eta);
    } else {
        const int decile = static_cast<int>(10 * done / total_);
        if (decile == last_decile_ || done == total_) return;
        last_decile_ = decile;
        std::fprintf(stderr, "%s %ld/%ld %s ETA %.0fs\n", label_.c_str(), done, total_, metrics.c_str(), eta);
    }
    std::fflush(stderr);
}

void ProgressBar::finish(const std::string& metrics) {
    if (!enabled_) return;
    if (tty_) std::fputc('\r', stderr);
    std::fprintf(stderr, "%s %ld/%ld %s (%.1fs)%s\n", label_.c_str(), total_, total_, metrics.c_str(),
                 elapsed_seconds(), tty_ ? "\x1b[K" : "");
    std::fflush(stderr);
}

}  // namespace wb
