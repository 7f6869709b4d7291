// Exercises LinearRecurrenceSequential, LinearRecurrenceScan and LinearRecurrenceBackward. Contracts and math: linear_recurrence.hpp. Grade: ./wb grade 03
#include "chapters/03_lstm/linear_recurrence.hpp"

namespace wb {

Tensor linear_recurrence_sequential(const Tensor& a, const Tensor& b, const Tensor& h0) {
    // TODO: for each (batch, channel): state = h0 (0 if h0 is empty); for t = 0..T-1:
    //       state = a_t * state + b_t; h[., t, .] = state.
    //       Check a and b are the same (B, T, N) and h0 is (B, N) or empty (ShapeError naming "linear_recurrence_sequential").
    // Worked example: a = [0.5, 0.5], b = [1, 1], h0 = 0 gives h = [1, 1.5].
    throw NotImplemented("linear_recurrence_sequential");
}

Tensor linear_recurrence_scan(const Tensor& a, const Tensor& b, const Tensor& h0) {
    // TODO: A = a, Bs = b. For offset = 1, 2, 4, ... < T, every t >= offset at once (from copies of the last round):
    //       A[t] = A[t - offset] * A[t],  Bs[t] = A[t] * Bs[t - offset] + Bs[t]   (old values on the right)
    //       Then h_t = A_t * h0 + Bs_t. Same checks, naming "linear_recurrence_scan".
    throw NotImplemented("linear_recurrence_scan");
}

LinearRecurrenceGrads linear_recurrence_backward(const Tensor& dh, const Tensor& a, const Tensor& h, const Tensor& h0) {
    // TODO: per (batch, channel), from t = T-1 down to 0: g = dh_t + carried (carried starts at 0);
    //       db_t = g; da_t = g * h_{t-1} (h0, or 0, before the first step); carried = a_t * g.
    //       dh0 = the last carried. Check dh has a's shape (ShapeError naming "linear_recurrence_backward").
    throw NotImplemented("linear_recurrence_backward");
}

}  // namespace wb
