/// @file accumulation.hpp
/// Exercise **GradientAccumulation**: the gradient of one large batch from several micro-batches that fit in memory,
/// with each micro-batch weighted by its share of the batch's counted tokens.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// Adds one micro-batch's gradient into the running gradient of the whole batch. The micro-batch's gradient g_i is
/// that of its own mean loss, over its c_i counted tokens; the batch's loss is the mean over all C = sum_i c_i, so
/// \f[ g = \sum_i \frac{c_i}{C}\, g_i \f]
/// Dividing each g_i by the number of micro-batches k instead is right only when every c_i is the same: a short last
/// micro-batch, or one with more padding, would then count as much as a full one. (Equivalently: scale micro-batch
/// i's loss by c_i / C before its backward pass, and let the gradients add up.) C must be known before the first
/// micro-batch: count the targets that are not padding first.
/// @param accumulated (any shape) the running sum, zeros before the first micro-batch, updated in place
/// @param micro_gradient the shape of accumulated: the gradient of micro-batch i's mean loss
/// @param micro_count c_i >= 0, micro-batch i's counted tokens (0: nothing to add)
/// @param total_count C > 0, the whole batch's counted tokens
/// @throws ShapeError naming "accumulate_gradient" on mismatched shapes, c_i < 0, C <= 0 or c_i > C.
void accumulate_gradient(Tensor& accumulated, const Tensor& micro_gradient, int micro_count, int total_count);

}  // namespace wb
