// Helpers that more than one of chapter 10's test files use (the chapter's tests compile as one file).
#pragma once
#include <string>

#include "chapters/10_diffusion/schedule.hpp"
#include "tests/harness/fixtures.hpp"

namespace wb::diffusion_tests {

/// A schedule read from a golden file's keys prefix_betas, prefix_alphas, prefix_alpha_bars (or betas, alphas,
/// alpha_bars with an empty prefix): built by the test itself, so a test of another exercise does not depend on the
/// learner's schedules.
inline NoiseSchedule golden_schedule(const fixtures::Golden& g, const std::string& prefix = "") {
    return {g[prefix + "betas"], g[prefix + "alphas"], g[prefix + "alpha_bars"]};
}

}  // namespace wb::diffusion_tests
