// Exercise MixedPrecision. Contracts and math: mixed_precision.hpp. Grade: ./wb grade 11
#include "chapters/11_lm_training/mixed_precision.hpp"

namespace wb {

float to_bfloat16(float x) {
    // TODO: round x to 7 stored mantissa bits, ties to even; overflow to inf; keep NaN, inf and the sign of zero.
    //       One way: the spacing q of the format at x (2^(floor(log2 |x|) - 7), or 2^-133 below 2^-126), then
    //       nearbyint(x / q) * q (the default rounding mode rounds ties to even).
    // Worked example: 1 + 2^-8 is a tie between 1 and 1 + 2^-7 -> 1 (even); 1 + 3 * 2^-8 -> 1 + 2^-6.
    throw NotImplemented("to_bfloat16");
}

float to_float16(float x) {
    // TODO: as to_bfloat16 with 10 mantissa bits, the smallest normal 2^-14 (spacing 2^-24 below it) and the largest
    //       finite 65504 (anything that rounds above it is inf).
    // Worked example: 65519 -> 65504; 65520 -> inf; 2^-25 -> 0; 3 * 2^-25 -> 2^-23.
    throw NotImplemented("to_float16");
}

bool update_loss_scale(LossScaler& scaler, const std::vector<Tensor>& scaled_grads) {
    // TODO: any non-finite value: scale *= backoff, clean_steps = 0, return false. Otherwise clean_steps += 1; when
    //       it reaches growth_interval: scale *= growth, clean_steps = 0; return true.
    // Worked example: interval 2, scale 8: clean, clean -> 16; inf -> 8 (skipped); clean -> 8.
    throw NotImplemented("update_loss_scale");
}

}  // namespace wb
