/// @file linear_attention.hpp
/// Exercises **LinearAttentionParallel**, **LinearAttentionRecurrent** and **LinearAttentionBackward**:
/// causal linear attention, the model that shows an RNN and attention are two orders of one sum
/// (Katharopoulos et al. 2020, "Transformers are RNNs").
///
/// Softmax attention weighs value s by exp(q_t . k_s) / sum; linear attention drops the exponential and
/// the normalisation (the unnormalised form that later gated variants build on; a feature map phi, such as
/// elu(x) + 1, is the caller's to apply to q and k):
/// \f[ o_t = \sum_{s \le t} (q_t \cdot k_s)\, v_s . \f]
/// Read as attention (parallel form), it is \f$ O = (Q K^\top \odot M)\, V \f$ with M the causal mask of
/// ones: every position at once, O(T^2 D) work. Read as a recurrence, it is an RNN whose state is a matrix,
/// \f[ S_t = S_{t-1} + v_t k_t^\top \in \mathbb{R}^{D_v \times D}, \qquad o_t = S_t\, q_t , \f]
/// O(T D Dv) work and a state whose size does not grow with T: what an LSTM offers at inference, with a
/// training step that need not walk the sequence.
///
/// Shapes: B = batch, T = positions, D = query/key width, Dv = value width.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// Causal linear attention, parallel form: \f$ o_t = \sum_{s \le t} (q_t \cdot k_s)\, v_s \f$.
/// @param q (B, T, D)
/// @param k (B, T, D)
/// @param v (B, T, Dv)
/// @return (B, T, Dv)
/// @throws ShapeError naming "linear_attention_parallel" and the shapes that disagree.
Tensor linear_attention_parallel(const Tensor& q, const Tensor& k, const Tensor& v);

/// What linear_attention_recurrent returns.
struct LinearAttentionRecurrentResult {
    Tensor out;    ///< (B, T, Dv), equal to linear_attention_parallel's
    Tensor state;  ///< (B, Dv, D) S after the last position: pass it on to continue the sequence
};

/// Causal linear attention, recurrent form: \f$ S_t = S_{t-1} + v_t k_t^\top,\ o_t = S_t q_t \f$, one position
/// after another from `state0` (zeros when empty). Running a sequence in two pieces, the second from the
/// first's state, gives the same outputs as running it whole.
/// @param q (B, T, D)
/// @param k (B, T, D)
/// @param v (B, T, Dv)
/// @param state0 (B, Dv, D) or empty
/// @return out (B, T, Dv) and the final state (B, Dv, D).
/// @throws ShapeError naming "linear_attention_recurrent" and the shapes that disagree.
LinearAttentionRecurrentResult linear_attention_recurrent(const Tensor& q, const Tensor& k, const Tensor& v,
                                                          const Tensor& state0 = {});

/// The gradients of linear attention, one per input.
struct LinearAttentionGrads {
    Tensor dq;  ///< (B, T, D)
    Tensor dk;  ///< (B, T, D)
    Tensor dv;  ///< (B, T, Dv)
};

/// Backward pass of causal linear attention (either form: they compute the same function). With the
/// forward state \f$ S_t = \sum_{s \le t} v_s k_s^\top \f$ and the backward state
/// \f$ R_s = \sum_{t \ge s} do_t\, q_t^\top \f$ (Dv, D), summed from the end:
/// \f[ dq_t = S_t^\top do_t, \qquad dk_s = R_s^\top v_s, \qquad dv_s = R_s\, k_s . \f]
/// @param dout (B, T, Dv) gradient of the loss w.r.t. the output
/// @param q (B, T, D), the forward input
/// @param k (B, T, D), the forward input
/// @param v (B, T, Dv), the forward input
/// @return dq, dk, dv.
/// @throws ShapeError naming "linear_attention_backward" and the shapes that disagree.
LinearAttentionGrads linear_attention_backward(const Tensor& dout, const Tensor& q, const Tensor& k, const Tensor& v);

}  // namespace wb
