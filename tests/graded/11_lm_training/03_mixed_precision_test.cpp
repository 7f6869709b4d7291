// Graded tests for exercise MixedPrecision. Golden: tests/fixtures/11_lm_training/rounding.wbt (PyTorch's own
// float32 -> bfloat16 and float16 conversions, round to nearest even). Rounding is compared value for value.
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "chapters/11_lm_training/mixed_precision.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {

/// Each value of x (n) rounded by to_bfloat16 (or to_float16): (n).
Tensor lm_rounded(const Tensor& x, bool bfloat16) {
    Tensor out(x.shape());
    for (std::size_t i = 0; i < x.size(); ++i) out[i] = bfloat16 ? to_bfloat16(x[i]) : to_float16(x[i]);
    return out;
}

/// "" when got equals expected value for value (NaN equal to NaN), else the first difference with its input.
std::string lm_first_difference(const Tensor& x, const Tensor& got, const Tensor& expected) {
    if (got.size() != x.size() || expected.size() != x.size()) return "sizes differ";
    for (std::size_t i = 0; i < x.size(); ++i) {
        const bool same = got[i] == expected[i] || (std::isnan(got[i]) && std::isnan(expected[i]));
        if (!same) {
            std::ostringstream text;
            text.precision(9);
            text << "x = " << x[i] << ": got " << got[i] << ", expected " << expected[i];
            return text.str();
        }
    }
    return "";
}

/// Runs update_loss_scale on a sequence of steps (1: every gradient finite; 0: one gradient inf; -1: one NaN) from a
/// scaler of scale 8 and growth interval 2: per step, (taken, scale after, clean steps after), (K, 3).
Tensor lm_scaler_trace(const std::vector<int>& steps) {
    LossScaler scaler;
    scaler.scale = 8.0f;
    scaler.growth_interval = 2;
    Tensor trace({static_cast<int>(steps.size()), 3});
    for (std::size_t k = 0; k < steps.size(); ++k) {
        Tensor bad({2, 2}, 1.0f);
        if (steps[k] == 0) bad[3] = std::numeric_limits<float>::infinity();
        if (steps[k] == -1) bad[1] = std::numeric_limits<float>::quiet_NaN();
        const bool taken = update_loss_scale(scaler, {Tensor({3}, 0.5f), bad});
        const int row = static_cast<int>(k);
        trace(row, 0) = taken ? 1.0f : 0.0f;
        trace(row, 1) = scaler.scale;
        trace(row, 2) = static_cast<float>(scaler.clean_steps);
    }
    return trace;
}

}  // namespace

GRADED_TEST(MixedPrecision, TiesToEven, 2,
            "A value halfway between two neighbours rounds to the one whose last mantissa bit is 0, not always up.") {
    const float bf_tie = 1.0f + std::ldexp(1.0f, -8), bf_tie_up = 1.0f + 3.0f * std::ldexp(1.0f, -8);
    EXPECT_EQ(LEARNER(to_bfloat16(bf_tie)), 1.0f) << "1 + 2^-8, halfway between 1 and 1 + 2^-7";
    EXPECT_EQ(LEARNER(to_bfloat16(bf_tie_up)), 1.0f + std::ldexp(1.0f, -6)) << "1 + 3 * 2^-8";
    const float fp_tie = 1.0f + std::ldexp(1.0f, -11), fp_tie_up = 1.0f + 3.0f * std::ldexp(1.0f, -11);
    EXPECT_EQ(LEARNER(to_float16(fp_tie)), 1.0f) << "1 + 2^-11";
    EXPECT_EQ(LEARNER(to_float16(fp_tie_up)), 1.0f + std::ldexp(1.0f, -9)) << "1 + 3 * 2^-11";
}

GRADED_TEST(MixedPrecision, Float16RangeEnds, 2,
            "float16: 65519 -> 65504, 65520 and beyond -> inf; below 2^-14 the spacing is 2^-24, and 2^-25 -> 0.") {
    EXPECT_EQ(LEARNER(to_float16(65519.0f)), 65504.0f);
    EXPECT_EQ(LEARNER(to_float16(65520.0f)), std::numeric_limits<float>::infinity());
    EXPECT_EQ(LEARNER(to_float16(-1e6f)), -std::numeric_limits<float>::infinity());
    EXPECT_EQ(LEARNER(to_float16(std::ldexp(1.0f, -25))), 0.0f) << "the tie between 0 and 2^-24";
    EXPECT_EQ(LEARNER(to_float16(3.0f * std::ldexp(1.0f, -25))), std::ldexp(1.0f, -23)) << "3 * 2^-25";
    EXPECT_EQ(LEARNER(to_float16(1e-8f)), 0.0f) << "a gradient of 1e-8 underflows";
}

GRADED_TEST(MixedPrecision, MatchesPyTorchBfloat16, 2, "Every value as PyTorch rounds float32 to bfloat16, from 1e-40 to inf.") {
    const auto g = fixtures::load("11_lm_training", "rounding");
    const Tensor got = LEARNER(lm_rounded(g["x"], true)), expected = EXPECTED(g["bfloat16"]);
    EXPECT_EQ(lm_first_difference(g["x"], got, expected), "");
}

GRADED_TEST(MixedPrecision, MatchesPyTorchFloat16, 2, "Every value as PyTorch rounds float32 to float16: subnormals, overflow, ties.") {
    const auto g = fixtures::load("11_lm_training", "rounding");
    const Tensor got = LEARNER(lm_rounded(g["x"], false)), expected = EXPECTED(g["float16"]);
    EXPECT_EQ(lm_first_difference(g["x"], got, expected), "");
}

GRADED_TEST(MixedPrecision, LossScaler, 3,
            "inf or NaN: skip the step, scale x backoff, count from 0; growth_interval clean steps in a row: scale x growth.") {
    // clean, clean (grows to 16), inf (skipped, back to 8), clean, NaN (skipped, 4), clean, clean (grows to 8)
    const Tensor expected({7, 3}, {1, 8, 1, 1, 16, 0, 0, 8, 0, 1, 8, 1, 0, 4, 0, 1, 4, 1, 1, 8, 0});
    EXPECT_TENSOR_NEAR(LEARNER(lm_scaler_trace({1, 1, 0, 1, -1, 1, 1})), expected, tol::kExact);
}
