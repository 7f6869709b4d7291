#include "framework/optim.hpp"

#include <cmath>

namespace wb {

// Allocates zeroed state for each parameter at the first step; later steps check it still fits.
static void ensure_state(std::vector<Tensor>& state, const std::vector<Param>& params, const char* op) {
    if (state.empty()) {
        for (const Param& p : params) state.emplace_back(p.value->shape());
        return;
    }
    if (state.size() != params.size())
        throw ShapeError(std::string(op) + ": got " + std::to_string(params.size()) +
                         " parameters, the optimizer was first stepped with " +
                         std::to_string(state.size()));
}

void SGD::step(const std::vector<Param>& params) {
    const bool first = velocity_.empty();
    if (momentum_ != 0.0f) ensure_state(velocity_, params, "SGD::step");
    for (std::size_t k = 0; k < params.size(); ++k) {
        Tensor& p = *params[k].value;
        const Tensor& g = *params[k].grad;
        for (std::size_t i = 0; i < p.size(); ++i) {
            float d = g[i] + weight_decay_ * p[i];
            if (momentum_ != 0.0f) {
                float& v = velocity_[k][i];
                v = first ? d : momentum_ * v + d;
                d = v;
            }
            p[i] -= lr_ * d;
        }
    }
}

void Adam::step(const std::vector<Param>& params) {
    ensure_state(m_, params, "Adam::step");
    ensure_state(v_, params, "Adam::step");
    ++t_;
    const float correction1 = 1.0f - std::pow(beta1_, static_cast<float>(t_));
    const float correction2 = 1.0f - std::pow(beta2_, static_cast<float>(t_));
    for (std::size_t k = 0; k < params.size(); ++k) {
        Tensor& p = *params[k].value;
        const Tensor& g = *params[k].grad;
        Tensor& m = m_[k];
        Tensor& v = v_[k];
        for (std::size_t i = 0; i < p.size(); ++i) {
            m[i] = beta1_ * m[i] + (1.0f - beta1_) * g[i];
            v[i] = beta2_ * v[i] + (1.0f - beta2_) * g[i] * g[i];
            const float m_hat = m[i] / correction1;
            const float v_hat = v[i] / correction2;
            p[i] -= lr_ * m_hat / (std::sqrt(v_hat) + eps_);
        }
    }
}

}  // namespace wb
