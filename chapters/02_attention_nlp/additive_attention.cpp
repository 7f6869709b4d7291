// Exercise AdditiveAttention. Contracts and math: additive_attention.hpp. Grade: ./wb grade 02
#include "chapters/02_attention_nlp/additive_attention.hpp"

namespace wb {

AdditiveAttentionResult additive_attention_forward(const Tensor& query, const Tensor& keys, const Tensor& mask,
                                                   const AdditiveAttentionWeights& w) {
    // TODO: check every shape (ShapeError naming "additive_attention_forward"), and that each mask row has a 1.
    //       Per batch row n: p = W_q q + b once; for each unmasked t: u_t = p + W_k h_t, score e_t = v . tanh(u_t);
    //       weights = softmax over the unmasked t (subtract their max; masked weights exactly 0);
    //       context = sum_t weights_t h_t.
    throw NotImplemented("additive_attention_forward");
}

AdditiveAttentionGrads additive_attention_backward(const Tensor& d_context, const Tensor& query, const Tensor& keys,
                                                   const Tensor& mask, const AdditiveAttentionWeights& w) {
    // TODO: recompute the forward (tanh values and weights), then per row n:
    //       g_t = d_context . h_t;  d_keys[t] = weights_t d_context (the average's path);
    //       de_t = weights_t (g_t - sum_s weights_s g_s) for unmasked t;
    //       d_v += de_t tanh(u_t);  du_t = de_t v * (1 - tanh(u_t)^2);
    //       d_w_k += du_t h_t^T;  d_keys[t] += W_k^T du_t;  and with du = sum_t du_t:
    //       d_b += du;  d_w_q += du q^T;  d_query = W_q^T du.  Parameter gradients sum over the batch.
    throw NotImplemented("additive_attention_backward");
}

}  // namespace wb
