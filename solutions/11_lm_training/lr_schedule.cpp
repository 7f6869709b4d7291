// Reference: linear warmup, then cosine decay to a floor.
#include "chapters/11_lm_training/lr_schedule.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "framework/errors.hpp"

namespace wb {

double learning_rate(long step, const LrScheduleConfig& config) {
    const char* op = "learning_rate";
    if (step < 0) throw ShapeError(std::string(op) + ": step " + std::to_string(step) + " is negative");
    if (!(config.floor >= 0.0 && config.peak >= config.floor))
        throw ShapeError(std::string(op) + ": needs peak >= floor >= 0, got peak " + std::to_string(config.peak) +
                         " and floor " + std::to_string(config.floor));
    if (config.warmup_steps < 0 || config.total_steps <= config.warmup_steps)
        throw ShapeError(std::string(op) + ": needs 0 <= warmup steps < total steps, got " +
                         std::to_string(config.warmup_steps) + " and " + std::to_string(config.total_steps));
    const double W = static_cast<double>(config.warmup_steps), S = static_cast<double>(config.total_steps);
    // warmup: eta_max (s + 1) / W
    if (step < config.warmup_steps) return config.peak * (static_cast<double>(step) + 1.0) / W;
    // after the decay: the floor
    if (step >= config.total_steps) return config.floor;
    // cosine: eta_min + (eta_max - eta_min) (1 + cos(pi (s - W) / (S - W))) / 2
    const double progress = (static_cast<double>(step) - W) / (S - W);
    return config.floor + 0.5 * (config.peak - config.floor) * (1.0 + std::cos(std::numbers::pi * progress));
}

}  // namespace wb
