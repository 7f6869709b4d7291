/// @file clip.hpp
/// Exercise **ClipGradNorm**: gradient clipping by global norm, as `torch.nn.utils.clip_grad_norm_`.
#pragma once
#include <vector>

#include "framework/layers.hpp"

namespace wb {

/// Rescales all gradients together so that their global L2 norm is at most max_norm:
/// \f[ n = \sqrt{\textstyle\sum_{p} \sum_j g_{p,j}^2}, \qquad
///     g_p \leftarrow g_p \cdot \min\!\Big(1,\ \frac{\text{max\_norm}}{n + 10^{-6}}\Big). \f]
/// One factor for every tensor keeps the update's direction; clipping each tensor to max_norm on its
/// own would change it. The 1e-6 is PyTorch's, so a zero gradient stays zero without a division by 0.
/// @param params the parameters whose `grad` tensors are clipped in place (any shapes; none is fine)
/// @param max_norm > 0
/// @return n, the global norm before clipping (as PyTorch returns it).
/// @throws std::invalid_argument if max_norm <= 0.
/// PyTorch: `torch.nn.utils.clip_grad_norm_(params, max_norm)`.
float clip_grad_norm(const std::vector<Param>& params, float max_norm);

}  // namespace wb
