// The timing the libtorch peers share: `warmup` untimed calls (3 by default), then the median of `repeats` timed calls,
// the statistic the Python peers (cnn_torch.py: median_ms) and our Google Benchmark cases report.
#pragma once
#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

inline double median_ms(const std::function<void()>& call, int repeats, int warmup = 3) {
    for (int i = 0; i < warmup; ++i) call();
    std::vector<double> ms;
    for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        call();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}
