// Exercise TanhRange. Contracts: gan_data.hpp. Grade: ./wb grade 08
#include "chapters/08_gan_program/gan_data.hpp"

#include <algorithm>

namespace wb {

Tensor to_tanh_range(const Tensor& images) {
    // TODO: every value v becomes 2 v - 1.  Worked example: 0 -> -1, 0.5 -> 0, 1 -> 1.
    throw NotImplemented("to_tanh_range");
}

Tensor from_tanh_range(const Tensor& images) {
    // TODO: every value v becomes (v + 1) / 2, clamped to [0, 1] (std::clamp).
    throw NotImplemented("from_tanh_range");
}

}  // namespace wb
