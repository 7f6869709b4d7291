// Reference: label dropout and the guided combination of classifier-free guidance.
#include "chapters/10_diffusion/guidance.hpp"

#include <string>

namespace wb {

Tensor drop_labels(const Tensor& labels, const Tensor& uniforms, float drop_probability, float null_label) {
    const char* op = "drop_labels";
    require_rank(op, "labels", labels, 1);
    require_shape(op, "uniforms", uniforms, labels.shape());
    if (!(drop_probability >= 0.0f && drop_probability <= 1.0f))
        throw ShapeError(std::string(op) + ": drop probability " + std::to_string(drop_probability) + " outside [0, 1]");
    // label n becomes the null label when u_n < p
    Tensor out = labels;
    for (std::size_t n = 0; n < out.size(); ++n)
        if (uniforms[n] < drop_probability) out[n] = null_label;
    return out;
}

Tensor guided_prediction(const Tensor& conditional, const Tensor& unconditional, float scale) {
    const char* op = "guided_prediction";
    if (conditional.shape() != unconditional.shape())
        shape_mismatch(op, "conditional", conditional, "unconditional", unconditional, "must have the same shape");
    if (!(scale >= 0.0f)) throw ShapeError(std::string(op) + ": guidance scale " + std::to_string(scale) + " must be >= 0");
    // eps = eps_u + s (eps_c - eps_u)
    Tensor out(conditional.shape());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = unconditional[i] + scale * (conditional[i] - unconditional[i]);
    return out;
}

}  // namespace wb
