/// @file cross_entropy.hpp
/// Exercise **TokenCrossEntropy**: the next-token loss of a language model over its vocabulary, with an ignore index
/// for padding and optional label smoothing (Szegedy et al., 2016), forward and backward, as
/// torch.nn.functional.cross_entropy(logits, targets, ignore_index=..., label_smoothing=...) computes them.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// The loss of a batch of next-token predictions and its gradient.
struct TokenLoss {
    double loss = 0.0;  ///< the mean over the counted positions (0 when every position is ignored)
    Tensor dlogits;     ///< (N, V), dloss/dlogits; zero rows at ignored positions
    int counted = 0;    ///< C, the positions whose target is not ignore_index
};

/// With p_n = softmax(z_n) and the smoothed target q_n = (1 - e) onehot(y_n) + e / V, over the C positions whose
/// target is not ignore_index:
/// \f[ L = \frac{1}{C} \sum_{n:\, y_n \ne \text{ignore}} -\sum_k q_{n,k} \log p_{n,k}, \qquad
///     \frac{\partial L}{\partial z_n} = \frac{p_n - q_n}{C} \f]
/// The smoothing spreads e over all V classes, the target's own included (PyTorch's convention). The mean is over
/// counted positions, not over N: padding must not dilute the loss. Every position ignored: L = 0 and a zero
/// gradient (PyTorch returns NaN, 0 / 0, there), so a micro-batch of padding alone adds nothing.
/// @param logits (N, V) z, unnormalised scores
/// @param targets (N) token ids as floats, each in [0, V) or equal to ignore_index
/// @param ignore_index the id of positions that do not count (PyTorch's default is -100)
/// @param label_smoothing e in [0, 1]
/// @throws ShapeError naming "next_token_loss" on mismatched shapes, a target outside [0, V) that is not
///         ignore_index, or e outside [0, 1].
TokenLoss next_token_loss(const Tensor& logits, const Tensor& targets, int ignore_index = -100,
                          float label_smoothing = 0.0f);

}  // namespace wb
