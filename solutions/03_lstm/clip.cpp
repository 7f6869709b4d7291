// Reference: gradient clipping by global norm (torch.nn.utils.clip_grad_norm_).
#include "chapters/03_lstm/clip.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace wb {

float clip_grad_norm(const std::vector<Param>& params, float max_norm) {
    if (!(max_norm > 0.0f)) throw std::invalid_argument("clip_grad_norm: max_norm must be > 0");
    // n = sqrt(sum over every gradient element of g^2), accumulated in double: one norm for all tensors
    double squares = 0.0;
    for (const Param& p : params)
        for (float g : *p.grad) squares += static_cast<double>(g) * g;
    const float norm = static_cast<float>(std::sqrt(squares));

    // one factor for all, never above 1: the direction of the whole update is kept
    const float scale = std::min(1.0f, max_norm / (norm + 1e-6f));
    if (scale < 1.0f)
        for (const Param& p : params)
            for (float& g : *p.grad) g *= scale;
    return norm;
}

}  // namespace wb
