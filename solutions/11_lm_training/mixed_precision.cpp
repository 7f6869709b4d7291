// Reference: rounding to bfloat16 and float16 by the format's spacing, and GradScaler's dynamic loss scale.
#include "chapters/11_lm_training/mixed_precision.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace wb {
namespace {

/// x rounded to a binary format with `mantissa_bits` stored bits, smallest normal 2^min_exponent and largest finite
/// value `largest`: the spacing at |x| is 2^(floor(log2 |x|) - mantissa_bits), or 2^(min_exponent - mantissa_bits)
/// among the subnormals; nearbyint rounds ties to even (the default rounding mode).
float round_to_format(float x, int mantissa_bits, int min_exponent, float largest) {
    if (std::isnan(x) || std::isinf(x) || x == 0.0f) return x;
    int e = 0;
    std::frexp(x, &e);  // |x| = m 2^e with m in [0.5, 1): floor(log2 |x|) = e - 1
    const int exponent = std::max(e - 1, min_exponent);
    const double spacing = std::ldexp(1.0, exponent - mantissa_bits);
    const double rounded = std::nearbyint(static_cast<double>(x) / spacing) * spacing;
    if (std::fabs(rounded) > largest) return std::copysign(std::numeric_limits<float>::infinity(), x);
    return static_cast<float>(std::copysign(rounded, static_cast<double>(x)));  // keeps -0 for a negative underflow
}

}  // namespace

float to_bfloat16(float x) {
    // 7 stored bits, float's exponent range; the largest bfloat16 is (2 - 2^-7) 2^127
    return round_to_format(x, 7, -126, std::ldexp(2.0f - std::ldexp(1.0f, -7), 127));
}

float to_float16(float x) {
    // 10 stored bits, smallest normal 2^-14, largest finite (2 - 2^-10) 2^15 = 65504
    return round_to_format(x, 10, -14, 65504.0f);
}

bool update_loss_scale(LossScaler& scaler, const std::vector<Tensor>& scaled_grads) {
    for (const Tensor& g : scaled_grads)
        for (std::size_t i = 0; i < g.size(); ++i)
            if (!std::isfinite(g[i])) {  // an overflow: skip the step, back off, start counting again
                scaler.scale *= scaler.backoff;
                scaler.clean_steps = 0;
                return false;
            }
    if (++scaler.clean_steps == scaler.growth_interval) {  // a long clean run: try a larger scale
        scaler.scale *= scaler.growth;
        scaler.clean_steps = 0;
    }
    return true;
}

}  // namespace wb
