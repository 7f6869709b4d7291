/// @file metrics.hpp
/// Exercise **SequenceMetrics**: how often a decoder's output is right, per sequence and per token.
///
/// Shapes: N = sequences, T = positions. Token ids are floats holding whole numbers. A target sequence
/// ends at its first end-of-sequence token (eos_id), which counts as a token to get right; the
/// positions after it are padding and never count, whatever the prediction holds there. A target with
/// no eos_id counts all T positions.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// The share of sequences predicted exactly: every counted position of the row right.
/// @param predicted (N, T)
/// @param target (N, T)
/// @param eos_id the end-of-sequence token
/// @return in [0, 1]
/// @throws ShapeError naming "exact_match" unless both are (N, T) with N >= 1.
double exact_match(const Tensor& predicted, const Tensor& target, int eos_id);

/// The share of counted positions predicted right, over all rows together (a long row weighs more
/// than a short one).
/// @param predicted (N, T)
/// @param target (N, T)
/// @param eos_id the end-of-sequence token
/// @return in [0, 1]
/// @throws ShapeError naming "token_accuracy" unless both are (N, T) with N >= 1.
double token_accuracy(const Tensor& predicted, const Tensor& target, int eos_id);

}  // namespace wb
