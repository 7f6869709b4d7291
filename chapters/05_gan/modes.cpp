// Exercise ModeCoverage. Contracts and math: modes.hpp. Grade: ./wb grade 05
#include "chapters/05_gan/modes.hpp"

#include <cmath>

namespace wb {

ModeCoverage mode_coverage(const Tensor& samples, const Tensor& centres, float radius, int min_count) {
    // TODO: for each sample: the nearest centre k (first one on a tie); if its distance <= radius,
    //       counts[k] += 1, else the sample is off-mode.
    //       covered = number of modes with counts >= min_count;  high_quality = on-mode samples / N.
    //       samples and centres must be (*, 2) and non-empty (ShapeError naming "mode_coverage").
    // Worked example: centres (1, 0), (-1, 0); samples (0.9, 0), (3, 0); radius 0.5, min_count 1:
    // counts {1, 0}, covered 1, high_quality 0.5.
    throw NotImplemented("mode_coverage");
}

}  // namespace wb
