// Reference: [0, 1] <-> [-1, 1].
#include "chapters/08_gan_program/gan_data.hpp"

#include <algorithm>

namespace wb {

Tensor to_tanh_range(const Tensor& images) {
    Tensor out = images;
    for (float& v : out) v = 2.0f * v - 1.0f;  // 0 -> -1, 1 -> 1
    return out;
}

Tensor from_tanh_range(const Tensor& images) {
    Tensor out = images;
    for (float& v : out) v = std::clamp((v + 1.0f) / 2.0f, 0.0f, 1.0f);
    return out;
}

}  // namespace wb
