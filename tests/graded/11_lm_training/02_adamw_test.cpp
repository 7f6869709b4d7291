// Graded tests for exercise AdamW. Golden: tests/fixtures/11_lm_training/adam.wbt (torch.optim.AdamW and
// torch.optim.Adam with weight_decay, in float64, 8 steps on given gradients).
#include "chapters/11_lm_training/adamw.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {

/// The parameter (n) after each of K steps (K, n) of AdamW (decoupled) or Adam + L2 from start, on grads (K, n).
Tensor lm_adam_trajectory(const Tensor& start, const Tensor& grads, const AdamConfig& config, bool decoupled) {
    const int K = grads.dim(0), n = grads.dim(1);
    Tensor param = start, after({K, n});
    AdamState state;
    for (int k = 0; k < K; ++k) {
        Tensor g({n});
        for (int i = 0; i < n; ++i) g[static_cast<std::size_t>(i)] = grads(k, i);
        if (decoupled) adamw_step(param, g, state, config);
        else adam_l2_step(param, g, state, config);
        for (int i = 0; i < n; ++i) after(k, i) = param[static_cast<std::size_t>(i)];
    }
    return after;
}

const AdamConfig kLmAdamConfig{0.01f, 0.9f, 0.95f, 1e-8f, 0.1f};  // the fixture's

}  // namespace

GRADED_TEST(AdamW, FirstStepByHand, 2, "t = 1: theta (1 - lr lambda), then lr m_hat / (sqrt(v_hat) + eps) with m_hat = g, v_hat = g^2.") {
    Tensor param({1}, {1.0f});
    AdamState state;
    const auto first = [&] {
        adamw_step(param, Tensor({1}, {0.5f}), state, AdamConfig{0.1f, 0.9f, 0.999f, 1e-8f, 0.1f});
        return param;
    };
    EXPECT_TENSOR_NEAR(LEARNER(first()), Tensor({1}, {0.89f}), tol::kExact) << "0.99 - 0.1 * 0.5 / 0.5";
}

GRADED_TEST(AdamW, MatchesTorchAdamW, 3, "Eight steps equal torch.optim.AdamW's: bias correction with t after the increment, eps outside the root.") {
    const auto g = fixtures::load("11_lm_training", "adam");
    EXPECT_TENSOR_NEAR(LEARNER(lm_adam_trajectory(g["start"], g["grads"], kLmAdamConfig, true)), g["adamw"], tol::kForward);
    AdamConfig no_decay = kLmAdamConfig;
    no_decay.weight_decay = 0.0f;
    EXPECT_TENSOR_NEAR(LEARNER(lm_adam_trajectory(g["start"], g["grads"], no_decay, true)), g["adamw_no_decay"], tol::kForward)
        << "lambda = 0: plain Adam";
}

GRADED_TEST(AdamW, AdamWithL2MatchesTorchAdam, 3,
            "Adam + L2 adds lambda theta to g before the moments (torch.optim.Adam's weight_decay): the decay is "
            "rescaled by Adam, unlike AdamW's.") {
    const auto g = fixtures::load("11_lm_training", "adam");
    EXPECT_TENSOR_NEAR(LEARNER(lm_adam_trajectory(g["start"], g["grads"], kLmAdamConfig, false)), g["adam_l2"], tol::kForward);
}

GRADED_TEST(AdamW, BadInput, 1, "A gradient or a state of another shape is an error.") {
    Tensor param({3});
    AdamState state;
    EXPECT_SHAPE_ERROR(adamw_step(param, Tensor({4}), state, AdamConfig{}), "adamw_step");
    EXPECT_SHAPE_ERROR(adam_l2_step(param, Tensor({4}), state, AdamConfig{}), "adam_l2_step");
    AdamState wrong{Tensor({2}), Tensor({2}), 1};
    EXPECT_SHAPE_ERROR(adamw_step(param, Tensor({3}), wrong, AdamConfig{}), "adamw_step");
}
