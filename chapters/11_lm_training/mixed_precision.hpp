/// @file mixed_precision.hpp
/// Exercise **MixedPrecision**: rounding to bfloat16 and float16, and the dynamic loss scaler that keeps float16
/// gradients from underflowing (Micikevicius et al., 2018; torch.cuda.amp.GradScaler's rule).
#pragma once
#include <vector>

#include "framework/tensor.hpp"

namespace wb {

/// x rounded to the nearest bfloat16, returned as the float of the same value: 8 exponent bits (float's range) and 7
/// stored mantissa bits, so 2^-7 relative spacing. Ties go to the even neighbour (the one whose last mantissa bit is
/// 0). Values that round above the largest bfloat16 (about 3.39e38) become infinity; below the smallest normal
/// (2^-126) the spacing stays 2^-133 (subnormals); NaN stays NaN, and the sign of zero is kept.
float to_bfloat16(float x);

/// x rounded to the nearest float16 (IEEE half), returned as a float: 5 exponent bits, 10 stored mantissa bits.
/// Largest finite 65504: from 65520 up (the tie above it rounds to the even 65536) the result is infinity. Below
/// the smallest normal 2^-14 the spacing stays 2^-24 (subnormals), so magnitudes up to 2^-25 (the tie rounds to even
/// zero) underflow to zero: a gradient of 1e-8 vanishes, which is what loss scaling prevents. NaN stays NaN.
float to_float16(float x);

/// The state of a dynamic loss scaler. The loss is multiplied by `scale` before the backward pass, so that small
/// gradients stay above float16's underflow; the gradients are divided by it before the optimizer step.
struct LossScaler {
    float scale = 65536.0f;     ///< the current factor (GradScaler's init_scale, 2^16)
    float growth = 2.0f;        ///< the factor after growth_interval clean steps in a row
    float backoff = 0.5f;       ///< the factor after a step with an inf or a NaN
    int growth_interval = 2000; ///< clean steps in a row before the scale grows
    int clean_steps = 0;        ///< clean steps since the last growth or backoff
};

/// Decides one step from the scaled gradients: if any value is inf or NaN, the step must be skipped, the scale
/// backs off and the count restarts; otherwise the step is taken, and after growth_interval clean steps in a row
/// the scale grows and the count restarts.
/// @param scaler updated in place
/// @param scaled_grads the gradients of the scaled loss (any shapes)
/// @return true when the optimizer step should be taken (every gradient finite)
bool update_loss_scale(LossScaler& scaler, const std::vector<Tensor>& scaled_grads);

}  // namespace wb
