/// @file modes.hpp
/// Exercise **ModeCoverage**: the mode-collapse diagnostic of the 2-D GAN benchmark (a ring of 8
/// Gaussians, as in Metz et al., 2017 and Srivastava et al., 2017): how many modes do the samples reach?
///
/// Shapes: N = samples, K = modes, both 2-D points.
#pragma once
#include <cmath>
#include <vector>

#include "framework/tensor.hpp"

namespace wb {

/// What mode_coverage returns.
struct ModeCoverage {
    std::vector<int> counts;  ///< per mode: samples whose nearest centre is this mode, within `radius`
    int covered;              ///< modes with counts >= min_count
    double high_quality;      ///< share of samples within `radius` of some centre (the rest are "off-mode")
};

/// Assigns each sample to its nearest centre (Euclidean; a tie goes to the lower index) and counts it for
/// that mode if it lies within `radius` of it (distance <= radius); a sample farther from every centre is
/// off-mode. A mode is covered when at least `min_count` samples fell on it. A collapsed generator puts
/// all samples on one or two modes: high quality, poor coverage.
/// @param samples (N, 2)
/// @param centres (K, 2)
/// @param radius > 0, typically 3 standard deviations of a mode
/// @param min_count >= 1
/// @throws ShapeError naming "mode_coverage" if samples or centres are not (*, 2), or either is empty.
ModeCoverage mode_coverage(const Tensor& samples, const Tensor& centres, float radius, int min_count);

/// K points evenly on a circle: centre k = radius (cos 2 pi k / K, sin 2 pi k / K), (K, 2). (Given, not an exercise.)
inline Tensor ring_of_modes(int K, float radius) {
    Tensor centres({K, 2});
    for (int k = 0; k < K; ++k) {
        const double angle = 2.0 * M_PI * k / K;
        centres(k, 0) = static_cast<float>(radius * std::cos(angle));
        centres(k, 1) = static_cast<float>(radius * std::sin(angle));
    }
    return centres;
}

}  // namespace wb
