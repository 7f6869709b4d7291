// Exercises AttentionForward and AttentionBackward. Contracts and math: attention.hpp. Grade: ./wb grade 01
#include "chapters/01_attention/attention.hpp"

#include "chapters/01_attention/scores.hpp"

namespace wb {

AttentionResult attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, const Mask& mask) {
    // TODO: scores = q k^T / sqrt(D)                 -> (B, T, S)   (your scaled_dot_scores)
    //       weights = softmax over s, masked first   -> (B, T, S)   (your masked_softmax)
    //       out[b, t] = sum_s weights[b, t, s] v[b, s] -> (B, T, Dv)
    //       Check shapes first: a ShapeError names "attention_forward" and the two shapes.
    // Worked example: D = 1, q = k = [[1], [0]] gives scores [[1, 0], [0, 0]].
    // Keep q, k, v and the weights in the cache: backward needs them.
    throw NotImplemented("attention_forward");
}

AttentionGrads attention_backward(const Tensor& dout, const AttentionCache& cache) {
    // TODO: with P = cache.weights:
    //       dV = P^T dO                      (per batch b)
    //       dP = dO V^T
    //       dZ = P * (dP - rowsum(dP * P))   (softmax Jacobian; * is element-wise)
    //       dQ = dZ K / sqrt(D),  dK = dZ^T Q / sqrt(D)
    //       Check dout is (B, T, Dv) (ShapeError naming "attention_backward").
    throw NotImplemented("attention_backward");
}

}  // namespace wb
