// Losses with mean reduction, as PyTorch's defaults. Each returns the loss and dL/d(input).
#pragma once
#include <functional>

#include "framework/tensor.hpp"

namespace wb {

struct LossResult {
    double loss;  ///< mean over the batch (and elements)
    Tensor grad;  ///< dL/d(pred or logits), same shape as pred
};

/// loss(pred, target) -> value and dL/dpred; e.g. wb::softmax_cross_entropy_loss.
using LossFn = std::function<LossResult(const Tensor& pred, const Tensor& target)>;

/// L = mean((pred - target)^2) over all elements; dL/dpred = 2 (pred - target) / n.
LossResult mse_loss(const Tensor& pred, const Tensor& target);

/// Binary cross-entropy on logits z and targets y in [0, 1], any shape, as
/// torch.nn.BCEWithLogitsLoss: l = max(z, 0) - z y + log(1 + e^-|z|), which never overflows;
/// dl/dz = sigmoid(z) - y.
LossResult bce_with_logits_loss(const Tensor& logits, const Tensor& target);

/// Binary cross-entropy on probabilities p (after a sigmoid), as Keras's binary_crossentropy:
/// p is clipped to [1e-7, 1 - 1e-7], l = -(y log p + (1 - y) log(1 - p)).
LossResult bce_loss(const Tensor& probs, const Tensor& target);

/// Softmax cross-entropy as torch.nn.CrossEntropyLoss. logits: (N, C); labels: (N), class
/// indices stored as floats. l = logsumexp(z) - z[label]; dl/dz = softmax(z) - onehot(label).
/// Throws ShapeError on a label outside [0, C).
LossResult softmax_cross_entropy_loss(const Tensor& logits, const Tensor& labels);

/// softmax_cross_entropy_loss over the last axis: logits (N, T, V), labels (N, T) -> the mean over the N*T
/// positions (a language model's next-token loss) and dL/dlogits (N, T, V).
LossResult sequence_cross_entropy_loss(const Tensor& logits, const Tensor& labels);

/// The hinge loss on logits z with a target sign y (+1 real, -1 fake), the mean over all elements:
/// l = max(0, 1 - y z); dl/dz = -y where 1 - y z > 0, else 0. A GAN's discriminator with the hinge loss (Lim and
/// Ye 2017, with spectral normalisation in Miyato et al. 2018) minimises hinge_loss(real, +1) + hinge_loss(fake, -1);
/// its generator minimises -mean(D(G(z))). Throws ShapeError on an empty tensor or y not +1 or -1.
LossResult hinge_loss(const Tensor& logits, float sign);

}  // namespace wb
