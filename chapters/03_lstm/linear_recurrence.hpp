/// @file linear_recurrence.hpp
/// Exercises **LinearRecurrenceSequential**, **LinearRecurrenceScan** and **LinearRecurrenceBackward**:
/// the gated diagonal linear recurrence at the core of the recurrent layers that came back since 2023
/// (the selective scan of Mamba-style layers is this recurrence with a_t and b_t computed from x_t):
/// \f[ h_t = a_t \odot h_{t-1} + b_t , \qquad h_{-1} = h_{init} \text{ (the argument h0)} . \f]
/// An LSTM's gates read h_{t-1}, so its steps must run one after another. Here a_t and b_t depend on the
/// input alone, so the recurrence is linear in h and the T steps can be combined in any grouping: the
/// pairs (a, b) compose associatively,
/// \f[ (a_1, b_1) \circ (a_2, b_2) = (a_1 a_2,\ a_2 b_1 + b_2) , \f]
/// ("first step 1, then step 2"), so a parallel prefix scan computes every h_t in O(log T) rounds.
///
/// Shapes: B = batch, T = positions, N = state channels (each channel is its own scalar recurrence).
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// The recurrence by a loop over t: \f$ h_t = a_t \odot h_{t-1} + b_t \f$, from h0 (zeros when empty).
/// @param a (B, T, N) the gates (decay factors), usually in (0, 1)
/// @param b (B, T, N) the inputs
/// @param h0 (B, N) or empty
/// @return h (B, T, N): every state.
/// @throws ShapeError naming "linear_recurrence_sequential" and the shapes that disagree.
Tensor linear_recurrence_sequential(const Tensor& a, const Tensor& b, const Tensor& h0 = {});

/// The same h by an inclusive parallel scan over the pairs (a_t, b_t) with the operator above (a
/// Hillis-Steele scan: in round r = 0, 1, ..., each position t >= 2^r combines with position t - 2^r, so
/// after ceil(log2 T) rounds position t holds the composition of steps 0..t, (A_t, B_t), and
/// \f$ h_t = A_t \odot h_{init} + B_t \f$). Equal to linear_recurrence_sequential up to float rounding.
/// @param a (B, T, N) the gates
/// @param b (B, T, N) the inputs
/// @param h0 (B, N) or empty
/// @return h (B, T, N)
/// @throws ShapeError naming "linear_recurrence_scan" and the shapes that disagree.
Tensor linear_recurrence_scan(const Tensor& a, const Tensor& b, const Tensor& h0 = {});

/// The gradients of the recurrence.
struct LinearRecurrenceGrads {
    Tensor da;   ///< (B, T, N)
    Tensor db;   ///< (B, T, N)
    Tensor dh0;  ///< (B, N) (zeros when h0 was empty)
};

/// Backward pass: the gradient flows back through the same linear recurrence, reversed. With
/// \f$ g_t = dh_t + a_{t+1} \odot g_{t+1} \f$ (g after the last step is 0), the total gradient on h_t:
/// \f[ db_t = g_t, \qquad da_t = g_t \odot h_{t-1}, \qquad dh_{init} = a_0 \odot g_0 . \f]
/// @param dh (B, T, N) gradient of the loss w.r.t. each h_t directly
/// @param a (B, T, N) the forward gates
/// @param h (B, T, N) the forward states (the output of either forward)
/// @param h0 (B, N) or empty, as in the forward
/// @return da, db, dh0.
/// @throws ShapeError naming "linear_recurrence_backward" and the shapes that disagree.
LinearRecurrenceGrads linear_recurrence_backward(const Tensor& dh, const Tensor& a, const Tensor& h,
                                                 const Tensor& h0 = {});

}  // namespace wb
