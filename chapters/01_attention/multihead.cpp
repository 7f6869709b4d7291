// Exercises MultiHeadForward and MultiHeadBackward. Contracts and math: multihead.hpp. Grade: ./wb grade 01
#include "chapters/01_attention/multihead.hpp"

namespace wb {

MultiHeadResult multihead_forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                  const MultiHeadWeights& w, const Mask& mask) {
    // TODO: 1. q = query W_q^T + b_q, k = key W_k^T + b_k, v = value W_v^T + b_v   (B, *, E)
    //       2. split each into H heads: (B, L, E) -> (B*H, L, Dh), head h = columns h*Dh .. h*Dh+Dh-1,
    //          sequence n head h at row n*H + h (then a (B, T, S) mask needs repeating per head)
    //       3. attention_forward on the (B*H, ...) tensors
    //       4. merge the heads back to (B, T, E) and project: out = merged W_o^T + b_o
    //       5. weights: the heads' (B*H, T, S) weights reshaped to (B, H, T, S)
    //       Check shapes and that H divides E (ShapeError naming "multihead_forward").
    throw NotImplemented("multihead_forward");
}

MultiHeadGrads multihead_backward(const Tensor& dout, const MultiHeadCache& cache, const MultiHeadWeights& w) {
    // TODO: walk the forward steps backwards. For each projection Y = X W^T + b:
    //       dX = dY W,  dW = dY^T X (summed over batch and positions),  db = sum of dY.
    //       Between them: split dmerged into heads, attention_backward, merge dq, dk, dv.
    throw NotImplemented("multihead_backward");
}

}  // namespace wb
