// Exercise LrSchedule. Contracts and math: lr_schedule.hpp. Grade: ./wb grade 11
#include "chapters/11_lm_training/lr_schedule.hpp"

#include "framework/errors.hpp"

namespace wb {

double learning_rate(long step, const LrScheduleConfig& config) {
    // TODO: warmup eta_max (s + 1) / W for s < W; cosine from eta_max down to eta_min over [W, S); eta_min from S on.
    //       Reject a negative step, floor > peak, a negative floor, W < 0 or S <= W (ShapeError naming
    //       "learning_rate").
    // Worked example: peak 1, floor 0.1, W 10, S 110: s = 4 -> 0.5; s = 10 -> 1; s = 60 -> 0.55; s = 200 -> 0.1.
    throw NotImplemented("learning_rate");
}

}  // namespace wb
