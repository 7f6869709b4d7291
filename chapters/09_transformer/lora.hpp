/// @file lora.hpp
/// Exercises **Lora** and **LoraBackward**: fine-tuning through a low-rank update.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// A linear layer adapted by LoRA (Hu et al., 2021): the pretrained weight W is frozen, and only the rank-r
/// factors A and B train. B starts at zero, so training starts exactly from the pretrained layer.
struct LoraWeights {
    Tensor w;             ///< W, (out, in): frozen
    Tensor a;             ///< A, (r, in): trained (initialised small and random)
    Tensor b;             ///< B, (out, r): trained (initialised to zero)
    float alpha = 16.0f;  ///< the update is scaled by alpha / r
};

/// The gradients of lora_backward: none for W, which is frozen (no memory for its gradient or its Adam state).
struct LoraGrads {
    Tensor dx;  ///< (N, in)
    Tensor da;  ///< (r, in)
    Tensor db;  ///< (out, r)
};

/// \f[ y = x W^\top + \frac{\alpha}{r}\,(x A^\top) B^\top \f]
/// computed in that order: x A^T is (N, r), so the update costs O(N r (in + out)) and B A is never formed.
/// @param x (N, in)
/// @param w the weights, shapes as in LoraWeights
/// @return y, (N, out)
/// @throws ShapeError naming "lora_forward" if the shapes disagree.
Tensor lora_forward(const Tensor& x, const LoraWeights& w);

/// With \f$\delta = \partial L/\partial y\f$ (N, out), \f$s = \alpha/r\f$ and \f$h = xA^\top\f$ (N, r):
/// \f[ \partial B = s\,\delta^\top h, \qquad \partial A = s\,(\delta B)^\top x, \qquad
///     \partial x = \delta W + s\,(\delta B) A \f]
/// and no \f$\partial W\f$.
/// @param dout dL/dy, (N, out)
/// @param x the forward's input, (N, in)
/// @param w the forward's weights
/// @return dx, da, db
/// @throws ShapeError naming "lora_backward" if the shapes disagree.
LoraGrads lora_backward(const Tensor& dout, const Tensor& x, const LoraWeights& w);

/// The merged weight for serving, \f$W + \frac{\alpha}{r} B A\f$ (out, in): x times its transpose is
/// lora_forward(x, w), with no extra latency at inference.
/// @throws ShapeError naming "lora_merge" if the shapes disagree.
Tensor lora_merge(const LoraWeights& w);

}  // namespace wb
