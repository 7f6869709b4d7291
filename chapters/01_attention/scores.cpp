// Exercise Scores. Contracts and math: scores.hpp. Grade: ./wb grade 01
#include "chapters/01_attention/scores.hpp"

namespace wb {

Tensor dot_scores(const Tensor& q, const Tensor& k) {
    // TODO: e[b, t, s] = sum_d q[b, t, d] * k[b, s, d]   -> (B, T, S)
    //       Check ranks (require_rank) and that B and D agree (shape_mismatch naming "dot_scores").
    // Worked example: q = [[1, 0]], k = [[1, 0], [0, 1]] (B = 1) gives [[1, 0]].
    throw NotImplemented("dot_scores");
}

Tensor scaled_dot_scores(const Tensor& q, const Tensor& k) {
    // TODO: dot_scores divided by sqrt(D), D = q.dim(2). Not by D: the variance of q.k grows like D,
    //       so its standard deviation grows like sqrt(D).
    throw NotImplemented("scaled_dot_scores");
}

Tensor additive_scores(const Tensor& q, const Tensor& k, const AdditiveWeights& w) {
    // TODO: qp[b, t] = W_q q[b, t] (A values), kp[b, s] = W_k k[b, s];
    //       e[b, t, s] = sum_a v[a] * tanh(qp[b, t, a] + kp[b, s, a])   -> (B, T, S)
    //       Check every shape; a ShapeError names "additive_scores" and the two shapes.
    throw NotImplemented("additive_scores");
}

}  // namespace wb
