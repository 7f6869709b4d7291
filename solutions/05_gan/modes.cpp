// Reference: mode coverage of 2-D samples against a set of mode centres.
#include "chapters/05_gan/modes.hpp"

#include <cmath>

namespace wb {

ModeCoverage mode_coverage(const Tensor& samples, const Tensor& centres, float radius, int min_count) {
    require_shape("mode_coverage", "samples", samples, {-1, 2});
    require_shape("mode_coverage", "centres", centres, {-1, 2});
    if (samples.empty() || centres.empty())
        shape_mismatch("mode_coverage", "samples", samples, "centres", centres, "neither may be empty");
    const int N = samples.dim(0), K = centres.dim(0);
    ModeCoverage m{std::vector<int>(static_cast<std::size_t>(K), 0), 0, 0.0};
    int on_mode = 0;
    for (int i = 0; i < N; ++i) {
        // the nearest centre (the first one on a tie), by squared distance
        int nearest = 0;
        float best = 0.0f;
        for (int k = 0; k < K; ++k) {
            const float dx = samples(i, 0) - centres(k, 0), dy = samples(i, 1) - centres(k, 1);
            const float d2 = dx * dx + dy * dy;
            if (k == 0 || d2 < best) best = d2, nearest = k;
        }
        if (std::sqrt(best) <= radius) {
            ++m.counts[static_cast<std::size_t>(nearest)];
            ++on_mode;
        }
    }
    for (int c : m.counts) m.covered += c >= min_count;
    m.high_quality = static_cast<double>(on_mode) / N;
    return m;
}

}  // namespace wb
