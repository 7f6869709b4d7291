/// @file recall.hpp
/// Exercise **MarkedRecall**: the task of this chapter's program. A sequence of random digits, one of them
/// marked; the answer is the marked digit. Where the mark falls is random, so the model must find it:
/// an LSTM alone has to carry the digit from the mark to the end, attention can look back at it.
///
/// Shapes: N = sequences, T = steps. Each step has kRecallFeatures = 11 features: a one-hot digit (0..9)
/// and a mark flag.
#pragma once
#include "framework/random.hpp"
#include "framework/tensor.hpp"

namespace wb {

inline constexpr int kDigits = 10;          ///< the classes
inline constexpr int kRecallFeatures = 11;  ///< one-hot digit, then the mark

/// A batch of the task.
struct RecallBatch {
    Tensor x;          ///< (N, T, 11): x[n, t, d] = 1 for the step's digit d; x[n, p, 10] = 1 at the mark
    Tensor labels;     ///< (N): the digit at the mark, as a float holding 0..9
    Tensor positions;  ///< (N): the mark's step p, as a float holding 0..T-1
};

/// N sequences of T steps. For each sequence, in this order: T digits, each uniform in 0..9
/// (rng.below(10), step 0 first); then the mark's step, uniform in 0..T-1 (rng.below(T)).
/// @throws ShapeError naming "make_marked_recall" unless N >= 1 and T >= 1.
RecallBatch make_marked_recall(int n, int length, Rng& rng);

}  // namespace wb
