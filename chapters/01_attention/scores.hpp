/// @file scores.hpp
/// Exercise **Scores**: three ways to score how well each query matches each key.
///
/// Shapes: B = batch, T = queries, S = keys, D = query/key features, A = additive hidden size.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// Dot-product (Luong "dot") scores: \f$ e_{ts} = q_t \cdot k_s = \sum_d q_{td} k_{sd} \f$.
/// @param q (B, T, D)
/// @param k (B, S, D)
/// @return (B, T, S)
/// @throws ShapeError naming "dot_scores" and both shapes if B or D differ or a rank is not 3.
Tensor dot_scores(const Tensor& q, const Tensor& k);

/// Scaled dot-product scores (Transformer): \f$ e_{ts} = \frac{q_t \cdot k_s}{\sqrt{D}} \f$.
///
/// If q and k have independent unit-variance entries, \f$q_t \cdot k_s\f$ has variance D;
/// dividing by \f$\sqrt{D}\f$ brings it back to 1, so the softmax does not saturate as D grows.
/// @param q (B, T, D)
/// @param k (B, S, D)
/// @return (B, T, S)
/// @throws ShapeError naming "scaled_dot_scores" and both shapes on a mismatch.
Tensor scaled_dot_scores(const Tensor& q, const Tensor& k);

/// Parameters of additive attention.
struct AdditiveWeights {
    Tensor w_q;  ///< (A, Dq) projects a query
    Tensor w_k;  ///< (A, Dk) projects a key
    Tensor v;    ///< (A) reads the hidden layer out to one number
};

/// Additive (Bahdanau) scores: a one-hidden-layer network on each (query, key) pair,
/// \f[ e_{ts} = v^\top \tanh(W_q q_t + W_k k_s). \f]
/// Costs O(T S A) tanh evaluations rather than one matrix product, but q and k may have
/// different sizes. Hint: project all queries and all keys once, then combine pairs.
/// @param q (B, T, Dq)
/// @param k (B, S, Dk)
/// @param w w_q (A, Dq), w_k (A, Dk), v (A)
/// @return (B, T, S)
/// @throws ShapeError naming "additive_scores" and the two shapes that disagree.
Tensor additive_scores(const Tensor& q, const Tensor& k, const AdditiveWeights& w);

}  // namespace wb
