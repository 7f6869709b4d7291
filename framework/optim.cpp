#include "framework/optim.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "framework/parallel.hpp"

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
        // every element on its own: split over the threads with the same bits as one thread
        parallel_for(static_cast<int>(p.size()), 8.0, [&](int begin, int end) {
            for (int i = begin; i < end; ++i) {
                m[i] = beta1_ * m[i] + (1.0f - beta1_) * g[i];
                v[i] = beta2_ * v[i] + (1.0f - beta2_) * g[i] * g[i];
                const float m_hat = m[i] / correction1;
                const float v_hat = v[i] / correction2;
                p[i] -= lr_ * m_hat / (std::sqrt(v_hat) + eps_);
            }
        });
    }
}

WeightAverage::WeightAverage(const std::vector<Param>& params, float beta) : beta_(beta) {
    if (!(beta >= 0.0f && beta < 1.0f)) throw std::invalid_argument("WeightAverage: beta must be in [0, 1), got " + std::to_string(beta));
    for (const Param& p : params) average_.push_back(*p.value);
}

void WeightAverage::update(const std::vector<Param>& params) {
    if (params.size() != average_.size())
        throw ShapeError("WeightAverage::update: got " + std::to_string(params.size()) + " parameters, made with " +
                         std::to_string(average_.size()));
    for (std::size_t k = 0; k < params.size(); ++k) {
        const Tensor& p = *params[k].value;
        require_shape("WeightAverage::update", params[k].name.c_str(), p, average_[k].shape());
        float* avg = average_[k].data();
        // avg = beta avg + (1 - beta) p
        for (std::size_t i = 0; i < p.size(); ++i) avg[i] = beta_ * avg[i] + (1.0f - beta_) * p[i];
    }
}

void WeightAverage::swap(const std::vector<Param>& params) {
    if (params.size() != average_.size())
        throw ShapeError("WeightAverage::swap: got " + std::to_string(params.size()) + " parameters, made with " +
                         std::to_string(average_.size()));
    for (std::size_t k = 0; k < params.size(); ++k) std::swap(*params[k].value, average_[k]);
}

}  // namespace wb
