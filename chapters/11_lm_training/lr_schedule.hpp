/// @file lr_schedule.hpp
/// Exercise **LrSchedule**: linear warmup, then cosine decay to a floor, the learning-rate schedule of most language
/// model runs since GPT-3 (Brown et al., 2020).
#pragma once

namespace wb {

/// The sizes of a warmup-then-cosine schedule.
struct LrScheduleConfig {
    double peak = 3e-4;        ///< eta_max, reached at the last warmup step
    double floor = 3e-5;       ///< eta_min, held from the last decay step on (often a tenth of the peak)
    long warmup_steps = 100;   ///< W >= 0
    long total_steps = 1000;   ///< S > W: the step at which the decay reaches the floor
};

/// The learning rate that optimizer step s (0-based) uses:
/// \f[ \eta(s) = \begin{cases}
///     \eta_{max}\, \dfrac{s + 1}{W} & 0 \le s < W \\[4pt]
///     \eta_{min} + \tfrac12 (\eta_{max} - \eta_{min}) \left(1 + \cos\!\left(\pi\, \dfrac{s - W}{S - W}\right)\right)
///         & W \le s < S \\[4pt]
///     \eta_{min} & s \ge S
/// \end{cases} \f]
/// The warmup counts s + 1, so step 0 already moves (at eta_max / W) and step W - 1 runs at the peak; the cosine
/// then starts again from the peak at s = W. Conventions differ: Hugging Face's get_cosine_schedule_with_warmup uses
/// s / W (step 0 at rate 0) and decays to 0; nanoGPT uses (s + 1) / (W + 1). Say which one you mean.
/// @param step s >= 0
/// @param config peak >= floor >= 0, 0 <= W < S
/// @return eta(s)
/// @throws ShapeError naming "learning_rate" on a negative step or an inconsistent config.
double learning_rate(long step, const LrScheduleConfig& config);

}  // namespace wb
