/// @file adamw.hpp
/// Exercise **AdamW**: Adam with decoupled weight decay (Loshchilov and Hutter, 2019), and Adam with an L2 penalty
/// beside it, step for step as torch.optim.AdamW and torch.optim.Adam(weight_decay=...) compute them.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// The hyper-parameters of one Adam-family step (PyTorch's names and defaults, except the decay).
struct AdamConfig {
    float lr = 1e-3f;            ///< eta, this step's learning rate (a schedule sets it per step)
    float beta1 = 0.9f;          ///< decay of the first moment
    float beta2 = 0.999f;        ///< decay of the second moment
    float eps = 1e-8f;           ///< added to the root of the second moment, after bias correction
    float weight_decay = 0.01f;  ///< lambda: AdamW's decoupled decay, or the L2 coefficient of adam_l2_step
};

/// One parameter tensor's optimizer state.
struct AdamState {
    Tensor m;    ///< the first moment, the shape of the parameter (empty before the first step)
    Tensor v;    ///< the second moment, the shape of the parameter (empty before the first step)
    long t = 0;  ///< steps taken; the bias corrections use t after the increment
};

/// One AdamW step, in place:
/// \f[ \theta \leftarrow \theta\,(1 - \eta\lambda), \quad m \leftarrow \beta_1 m + (1-\beta_1) g, \quad
///     v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad
///     \theta \leftarrow \theta - \eta\, \frac{m / (1-\beta_1^t)}{\sqrt{v / (1-\beta_2^t)} + \epsilon} \f]
/// The decay shrinks the weights directly, outside the adaptive scaling: every weight decays at the same rate
/// eta lambda, whatever its gradient history. (PyTorch applies it first, to the weights before the Adam update.)
/// @param param (any shape) theta, updated in place
/// @param grad the shape of param, the loss's gradient g
/// @param state m, v (allocated as zeros on the first step) and t, updated
/// @param config eta, beta1, beta2, eps, lambda
/// @throws ShapeError naming "adamw_step" if grad's or the state's shapes differ from param's.
void adamw_step(Tensor& param, const Tensor& grad, AdamState& state, const AdamConfig& config);

/// One Adam step with an L2 penalty (lambda/2) |theta|^2 added to the loss, in place: the penalty's gradient joins g
/// before the moments, \f$ g \leftarrow g + \lambda\theta \f$, then the Adam update of adamw_step without its decay.
/// The decay then passes through the adaptive scaling: a weight with a large gradient history is divided by a
/// large root of v and decays less. That is the difference AdamW removes.
/// @param param (any shape) theta, updated in place
/// @param grad the shape of param, the loss's gradient g (without the penalty)
/// @param state m, v (allocated as zeros on the first step) and t, updated
/// @param config eta, beta1, beta2, eps, lambda (the L2 coefficient)
/// @throws ShapeError naming "adam_l2_step" if grad's or the state's shapes differ from param's.
void adam_l2_step(Tensor& param, const Tensor& grad, AdamState& state, const AdamConfig& config);

}  // namespace wb
