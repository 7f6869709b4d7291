// Graded tests for exercise LrSchedule: by hand (the schedule is closed-form; the tests pin its boundaries).
#include <cmath>
#include <numbers>

#include "chapters/11_lm_training/lr_schedule.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {
const LrScheduleConfig kLrExample{1.0, 0.1, 10, 110};  // peak 1, floor 0.1, W 10, S 110
}

GRADED_TEST(LrSchedule, Warmup, 2, "eta_max (s + 1) / W for s < W: step 0 already moves, step W - 1 is at the peak.") {
    EXPECT_NEAR(LEARNER(learning_rate(0, kLrExample)), 0.1, 1e-12) << "s = 0";
    EXPECT_NEAR(LEARNER(learning_rate(4, kLrExample)), 0.5, 1e-12) << "s = 4";
    EXPECT_NEAR(LEARNER(learning_rate(9, kLrExample)), 1.0, 1e-12) << "s = W - 1";
}

GRADED_TEST(LrSchedule, CosineDecay, 3,
            "eta_min + (eta_max - eta_min) (1 + cos(pi (s - W) / (S - W))) / 2 on [W, S): the peak at W, the midpoint "
            "halfway, the floor approached at S.") {
    EXPECT_NEAR(LEARNER(learning_rate(10, kLrExample)), 1.0, 1e-12) << "s = W";
    EXPECT_NEAR(LEARNER(learning_rate(60, kLrExample)), 0.55, 1e-12) << "s = (W + S) / 2";
    const double quarter = 0.1 + 0.45 * (1.0 + std::cos(std::numbers::pi * 0.25));
    EXPECT_NEAR(LEARNER(learning_rate(35, kLrExample)), quarter, 1e-12) << "s = W + (S - W) / 4";
    const double last = 0.1 + 0.45 * (1.0 + std::cos(std::numbers::pi * 99.0 / 100.0));
    EXPECT_NEAR(LEARNER(learning_rate(109, kLrExample)), last, 1e-12) << "s = S - 1";
}

GRADED_TEST(LrSchedule, FloorAfterTheDecay, 1, "eta_min from step S on, forever.") {
    EXPECT_NEAR(LEARNER(learning_rate(110, kLrExample)), 0.1, 1e-12) << "s = S";
    EXPECT_NEAR(LEARNER(learning_rate(100000, kLrExample)), 0.1, 1e-12) << "s >> S";
}

GRADED_TEST(LrSchedule, NoWarmup, 1, "W = 0: the cosine starts at the peak at step 0.") {
    const LrScheduleConfig c{2.0, 0.0, 0, 4};
    EXPECT_NEAR(LEARNER(learning_rate(0, c)), 2.0, 1e-12) << "s = 0";
    EXPECT_NEAR(LEARNER(learning_rate(2, c)), 1.0, 1e-12) << "s = 2 of 4";
    EXPECT_NEAR(LEARNER(learning_rate(4, c)), 0.0, 1e-12) << "s = S";
}

GRADED_TEST(LrSchedule, BadInput, 1, "A negative step, a floor above the peak or W >= S is an error.") {
    EXPECT_SHAPE_ERROR(learning_rate(-1, kLrExample), "learning_rate");
    EXPECT_SHAPE_ERROR(learning_rate(0, LrScheduleConfig{0.1, 1.0, 10, 110}), "learning_rate");
    EXPECT_SHAPE_ERROR(learning_rate(0, LrScheduleConfig{1.0, 0.1, 10, 10}), "learning_rate");
}
