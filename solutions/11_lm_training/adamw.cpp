// Reference: AdamW's decoupled decay and Adam's L2 penalty, as PyTorch's optimizers compute them.
#include "chapters/11_lm_training/adamw.hpp"

#include <cmath>
#include <string>

namespace wb {
namespace {

/// Checks the shapes, allocates the moments on the first step and counts it.
void begin_step(const char* op, const Tensor& param, const Tensor& grad, AdamState& state) {
    require_shape(op, "grad", grad, param.shape());
    if (state.t == 0 && state.m.size() == 0) state.m = Tensor(param.shape()), state.v = Tensor(param.shape());
    require_shape(op, "state.m", state.m, param.shape());
    require_shape(op, "state.v", state.v, param.shape());
    ++state.t;
}

/// The Adam update of param by gradient g, after the moments take g in:
///   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,  theta -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
void adam_update(Tensor& param, std::size_t i, float g, AdamState& state, const AdamConfig& c, double correction1,
                 double correction2) {
    state.m[i] = c.beta1 * state.m[i] + (1.0f - c.beta1) * g;
    state.v[i] = c.beta2 * state.v[i] + (1.0f - c.beta2) * g * g;
    const double m_hat = state.m[i] / correction1, v_hat = state.v[i] / correction2;
    param[i] = static_cast<float>(param[i] - c.lr * m_hat / (std::sqrt(v_hat) + c.eps));
}

}  // namespace

void adamw_step(Tensor& param, const Tensor& grad, AdamState& state, const AdamConfig& config) {
    begin_step("adamw_step", param, grad, state);
    const double correction1 = 1.0 - std::pow(static_cast<double>(config.beta1), static_cast<double>(state.t));
    const double correction2 = 1.0 - std::pow(static_cast<double>(config.beta2), static_cast<double>(state.t));
    for (std::size_t i = 0; i < param.size(); ++i) {
        param[i] *= 1.0f - config.lr * config.weight_decay;  // decoupled: theta (1 - lr lambda), outside Adam
        adam_update(param, i, grad[i], state, config, correction1, correction2);
    }
}

void adam_l2_step(Tensor& param, const Tensor& grad, AdamState& state, const AdamConfig& config) {
    begin_step("adam_l2_step", param, grad, state);
    const double correction1 = 1.0 - std::pow(static_cast<double>(config.beta1), static_cast<double>(state.t));
    const double correction2 = 1.0 - std::pow(static_cast<double>(config.beta2), static_cast<double>(state.t));
    for (std::size_t i = 0; i < param.size(); ++i) {
        const float g = grad[i] + config.weight_decay * param[i];  // the L2 penalty's gradient joins g
        adam_update(param, i, g, state, config, correction1, correction2);
    }
}

}  // namespace wb
