/// @file guidance.hpp
/// Exercise **Guidance**: classifier-free guidance (Ho and Salimans, 2022), training and sampling.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// Label dropout for classifier-free guidance: one network learns both the conditional and the unconditional model
/// when a share p of the training labels is replaced by a "no label" class. Label n is dropped when its uniform
/// number u_n < p.
/// @param labels (N) class ids as floats
/// @param uniforms (N) uniform numbers in [0, 1), drawn by the caller (so that the function is pure)
/// @param drop_probability p in [0, 1] (0.1 to 0.2 in the paper)
/// @param null_label the id that means "no label" (the number of classes, one past the last)
/// @return (N) the labels, some replaced by null_label
/// @throws ShapeError naming "drop_labels" if uniforms is not the shape of labels or p is outside [0, 1].
Tensor drop_labels(const Tensor& labels, const Tensor& uniforms, float drop_probability, float null_label);

/// The guided prediction from the network's conditional and unconditional outputs:
/// \f[ \hat\epsilon = \hat\epsilon_u + s\,(\hat\epsilon_c - \hat\epsilon_u) \f]
/// with the guidance scale s as diffusers' guidance_scale: s = 1 is the conditional model, s = 0 by the formula the
/// unconditional one (diffusers' pipelines skip guidance altogether for s <= 1), s > 1 pushes away from the unconditional prediction (sharper, more typical, less diverse samples). The paper
/// writes \f$(1 + w)\hat\epsilon_c - w\,\hat\epsilon_u\f$, the same with s = 1 + w. Works the same on epsilon, v or
/// velocity predictions.
/// @param conditional (N, ...) the prediction given the class
/// @param unconditional (N, ...) the prediction given the null label
/// @param scale s >= 0
/// @throws ShapeError naming "guided_prediction" if the shapes differ or s < 0.
Tensor guided_prediction(const Tensor& conditional, const Tensor& unconditional, float scale);

}  // namespace wb
