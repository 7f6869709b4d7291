// Exercise Guidance. Contracts and math: guidance.hpp. Grade: ./wb grade 10
#include "chapters/10_diffusion/guidance.hpp"

namespace wb {

Tensor drop_labels(const Tensor& labels, const Tensor& uniforms, float drop_probability, float null_label) {
    // TODO: a copy of labels where label n becomes null_label when uniforms[n] < p. Reject uniforms of another shape
    //       or p outside [0, 1] (ShapeError naming "drop_labels").
    // Worked example: labels [3, 7], uniforms [0.05, 0.5], p = 0.1, null 10 -> [10, 7].
    throw NotImplemented("drop_labels");
}

Tensor guided_prediction(const Tensor& conditional, const Tensor& unconditional, float scale) {
    // TODO: eps = eps_u + s (eps_c - eps_u). Reject mismatched shapes or s < 0 (ShapeError naming "guided_prediction").
    // Worked example: eps_c = 1, eps_u = 0.5, s = 3 -> 0.5 + 1.5 = 2.
    throw NotImplemented("guided_prediction");
}

}  // namespace wb
