// Seeded, deterministic random numbers and the standard weight initialisers.
// The same seed gives the same numbers on every machine: the generator is std::mt19937_64
// (fully specified by the C++ standard) and the transforms below are our own, not the
// library's distributions (whose algorithms differ between standard libraries).
#pragma once
#include <cstdint>
#include <random>

#include "framework/tensor.hpp"

namespace wb {

class Rng {
public:
    explicit Rng(std::uint64_t seed = 0) : engine_(seed) {}
    /// U[0, 1) with 24 random bits, exact in float.
    float uniform01() { return static_cast<float>(engine_() >> 40) * 0x1.0p-24f; }
    /// U[low, high).
    float uniform(float low, float high) { return low + (high - low) * uniform01(); }
    /// N(0, 1) by the Box-Muller transform.
    float normal();
    /// A uniform integer in [0, n).
    std::uint64_t below(std::uint64_t n) { return engine_() % n; }
    std::mt19937_64& engine() { return engine_; }

private:
    std::mt19937_64 engine_;
    bool has_spare_ = false;
    float spare_ = 0.0f;
};

/// fan_in and fan_out of a weight of this shape, as PyTorch's _calculate_fan_in_and_fan_out:
/// Dense (out, in): fan_in = in, fan_out = out. Conv (F, C, KH, KW): fan_in = C*KH*KW, fan_out = F*KH*KW.
struct Fans {
    int fan_in;
    int fan_out;
};
Fans fans_of(const Shape& weight_shape);

/// Glorot (Xavier) uniform, Keras's default for Dense and Conv2D:
/// U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), so Var = 2 / (fan_in + fan_out).
Tensor glorot_uniform(const Shape& weight_shape, Rng& rng);
/// Glorot normal: N(0, 2 / (fan_in + fan_out)) (Keras truncates at 2 sigma; we do not).
Tensor glorot_normal(const Shape& weight_shape, Rng& rng);
/// He (Kaiming) normal for ReLU, PyTorch's kaiming_normal_(nonlinearity="relu"): N(0, 2 / fan_in).
Tensor he_normal(const Shape& weight_shape, Rng& rng);
/// He uniform for ReLU: U(-a, a) with a = sqrt(6 / fan_in), Var = 2 / fan_in.
Tensor he_uniform(const Shape& weight_shape, Rng& rng);
/// PyTorch's default for nn.Linear / nn.Conv2d weights and biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
Tensor torch_default_uniform(const Shape& shape, int fan_in, Rng& rng);

}  // namespace wb
