#include "framework/random.hpp"

#include <cmath>

namespace wb {

float Rng::normal() {
    if (has_spare_) {
        has_spare_ = false;
        return spare_;
    }
    // Box-Muller: two uniforms -> two independent standard normals. u1 is kept away from 0.
    const double u1 = (static_cast<double>(engine_() >> 11) + 1.0) * 0x1.0p-53;
    const double u2 = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 2.0 * 3.14159265358979323846 * u2;
    spare_ = static_cast<float>(r * std::sin(theta));
    has_spare_ = true;
    return static_cast<float>(r * std::cos(theta));
}

Fans fans_of(const Shape& s) {
    if (s.size() < 2)
        throw ShapeError("fans_of: weight shape " + to_string(s) + " needs rank >= 2");
    int receptive = 1;
    for (std::size_t i = 2; i < s.size(); ++i) receptive *= s[i];
    return {s[1] * receptive, s[0] * receptive};
}

Tensor glorot_uniform(const Shape& shape, Rng& rng) {
    const Fans f = fans_of(shape);
    const float a = std::sqrt(6.0f / static_cast<float>(f.fan_in + f.fan_out));
    return Tensor::uniform(shape, rng, -a, a);
}

Tensor glorot_normal(const Shape& shape, Rng& rng) {
    const Fans f = fans_of(shape);
    return Tensor::randn(shape, rng, std::sqrt(2.0f / static_cast<float>(f.fan_in + f.fan_out)));
}

Tensor he_normal(const Shape& shape, Rng& rng) {
    const Fans f = fans_of(shape);
    return Tensor::randn(shape, rng, std::sqrt(2.0f / static_cast<float>(f.fan_in)));
}

Tensor he_uniform(const Shape& shape, Rng& rng) {
    const Fans f = fans_of(shape);
    const float a = std::sqrt(6.0f / static_cast<float>(f.fan_in));
    return Tensor::uniform(shape, rng, -a, a);
}

Tensor torch_default_uniform(const Shape& shape, int fan_in, Rng& rng) {
    const float a = 1.0f / std::sqrt(static_cast<float>(fan_in));
    return Tensor::uniform(shape, rng, -a, a);
}

}  // namespace wb
