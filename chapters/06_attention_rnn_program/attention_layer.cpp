// Exercise LastStateAttention. Contracts and math: attention_layer.hpp. Grade: ./wb grade 06
#include "chapters/06_attention_rnn_program/attention_layer.hpp"

namespace wb {

LastStateAttention::LastStateAttention(int hidden, Rng& rng)
    : weight(torch_default_uniform({hidden, hidden}, hidden, rng)), weight_grad({hidden, hidden}) {}

Tensor LastStateAttention::forward(Tensor x) {
    // TODO: check x is (N, T, H) with H = weight.dim(0) (ShapeError naming "LastStateAttention::forward").
    //       Per row n: q = x[n, T-1]; k = W q (H); e_t = x[n, t] . k / sqrt(H); a = softmax over t (subtract
    //       the max first); c = sum_t a_t x[n, t]; y[n] = [c, q] (N, 2H).
    //       Keep x in x_ and a in weights_ (N, T): backward and attention_weights() read them.
    throw NotImplemented("LastStateAttention::forward");
}

Tensor LastStateAttention::backward(Tensor dout) {
    // TODO: check dout is (N, 2H) (ShapeError naming "LastStateAttention::backward"). Per row, with dc and dq
    //       the two halves of dout[n] and k = W q again: g_t = dc . h_t; de_t = a_t (g_t - sum_s a_s g_s);
    //       dx[n, t] = a_t dc + de_t k / sqrt(H); dk = sum_t de_t h_t / sqrt(H);
    //       dx[n, T-1] += dq + W^T dk (the last state is the query too); weight_grad += dk q^T.
    //       Start weight_grad at zero in every call.
    throw NotImplemented("LastStateAttention::backward");
}

}  // namespace wb
