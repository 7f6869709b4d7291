// Exercise AttentionPooling. Contracts and math: pooling.hpp. Grade: ./wb grade 02
#include "chapters/02_attention_nlp/pooling.hpp"

namespace wb {

AttentionPoolingResult attention_pooling_forward(const Tensor& states, const Tensor& mask, const AttentionPoolingWeights& w) {
    // TODO: check W_out (C, H) and b_out (C) against states (N, T, H) (ShapeError naming
    //       "attention_pooling_forward"). Then your additive_attention_forward with a zero query (N, 1) and
    //       weights {W_q = zeros (A, 1), W_k = w.w, b = w.b, v = w.u} gives z (its context) and the weights;
    //       logits(n, c) = b_out(c) + sum_j w_out(c, j) z(n, j).
    throw NotImplemented("attention_pooling_forward");
}

AttentionPoolingGrads attention_pooling_backward(const Tensor& d_logits, const Tensor& states, const Tensor& mask,
                                                 const AttentionPoolingWeights& w) {
    // TODO: recompute z; dz = d_logits W_out (N, H); d_w_out = d_logits^T z; d_b_out = column sums of d_logits;
    //       then additive_attention_backward(dz, ...) with the same zero query and weights: its d_keys, d_w_k,
    //       d_b and d_v are d_states, d_w, d_b and d_u.
    throw NotImplemented("attention_pooling_backward");
}

}  // namespace wb
