// Exercise AdamW. Contracts and math: adamw.hpp. Grade: ./wb grade 11
#include "chapters/11_lm_training/adamw.hpp"

namespace wb {

void adamw_step(Tensor& param, const Tensor& grad, AdamState& state, const AdamConfig& config) {
    // TODO: t += 1; theta *= 1 - lr lambda; the moments; theta -= lr m_hat / (sqrt(v_hat) + eps), where
    //       m_hat = m / (1 - beta1^t) and v_hat = v / (1 - beta2^t). Allocate m and v as zeros on the first step.
    //       Reject a grad or a state of another shape (ShapeError naming "adamw_step").
    // Worked example: theta 1, g 0.5, first step, lr 0.1, lambda 0.1: theta -> 0.99, m_hat 0.5, v_hat 0.25,
    //       theta -> 0.99 - 0.1 * 0.5 / (0.5 + 1e-8) = 0.89 (to 7 digits).
    throw NotImplemented("adamw_step");
}

void adam_l2_step(Tensor& param, const Tensor& grad, AdamState& state, const AdamConfig& config) {
    // TODO: g' = g + lambda theta, then the Adam update of adamw_step on g' (no decoupled decay). Reject a grad or
    //       a state of another shape (ShapeError naming "adam_l2_step").
    // Worked example: theta 1, g 0.5, first step, lr 0.1, lambda 0.1: g' = 0.6, m_hat 0.6, v_hat 0.36,
    //       theta -> 1 - 0.1 * 0.6 / 0.6 = 0.9: on the first step the penalty only changes g's size, which Adam
    //       normalises away.
    throw NotImplemented("adam_l2_step");
}

}  // namespace wb
