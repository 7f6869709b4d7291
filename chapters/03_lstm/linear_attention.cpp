// Exercises LinearAttentionParallel, LinearAttentionRecurrent and LinearAttentionBackward. Contracts and math: linear_attention.hpp. Grade: ./wb grade 03
#include "chapters/03_lstm/linear_attention.hpp"

namespace wb {

Tensor linear_attention_parallel(const Tensor& q, const Tensor& k, const Tensor& v) {
    // TODO: out (B, T, Dv); for each b and t, for s = 0..t: out[b, t] += (q[b, t] . k[b, s]) * v[b, s]
    //       Check q and k are (B, T, D) alike and v is (B, T, Dv) (ShapeError naming "linear_attention_parallel").
    // Worked example: D = Dv = 1, q = k = [1, 1], v = [1, 2] gives out = [1, 3].
    throw NotImplemented("linear_attention_parallel");
}

LinearAttentionRecurrentResult linear_attention_recurrent(const Tensor& q, const Tensor& k, const Tensor& v,
                                                          const Tensor& state0) {
    // TODO: S (B, Dv, D) starts as state0 (zeros if empty). For t = 0..T-1:
    //       S[b] += v_t k_t^T  (S[b][e][d] += v[b, t, e] * k[b, t, d]), then out[b, t] = S[b] q_t.
    //       Return out and the final S. Same shape checks, naming "linear_attention_recurrent".
    throw NotImplemented("linear_attention_recurrent");
}

LinearAttentionGrads linear_attention_backward(const Tensor& dout, const Tensor& q, const Tensor& k, const Tensor& v) {
    // TODO: per b, walk t forward keeping S = sum_{s<=t} v_s k_s^T: dq_t = S^T dout_t;
    //       walk s backward keeping R = sum_{t>=s} dout_t q_t^T: dk_s = R^T v_s, dv_s = R k_s.
    //       Check dout is (B, T, Dv) (ShapeError naming "linear_attention_backward").
    throw NotImplemented("linear_attention_backward");
}

}  // namespace wb
