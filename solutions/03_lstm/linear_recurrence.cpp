// Reference: the gated diagonal linear recurrence h_t = a_t * h_{t-1} + b_t, by a loop and by a parallel
// scan, and its backward pass.
#include "chapters/03_lstm/linear_recurrence.hpp"

namespace wb {

namespace {
/// Checks a and b are the same (B, T, N) and h0 is (B, N) or empty; returns h0 with zeros for empty.
Tensor checked_h0(const char* op, const Tensor& a, const Tensor& b, const Tensor& h0) {
    require_rank(op, "a", a, 3);
    if (b.shape() != a.shape()) shape_mismatch(op, "a", a, "b", b, "a and b must have the same shape (B, T, N)");
    const Tensor start = h0.empty() ? Tensor({a.dim(0), a.dim(2)}) : h0;
    require_shape(op, "h0", start, {a.dim(0), a.dim(2)});
    return start;
}
}  // namespace

Tensor linear_recurrence_sequential(const Tensor& a, const Tensor& b, const Tensor& h0) {
    const Tensor start = checked_h0("linear_recurrence_sequential", a, b, h0);
    const int B = a.dim(0), T = a.dim(1), N = a.dim(2);
    Tensor h({B, T, N});
    for (int n = 0; n < B; ++n)
        for (int c = 0; c < N; ++c) {
            // h_t = a_t h_{t-1} + b_t, h_{-1} = h0
            float state = start(n, c);
            for (int t = 0; t < T; ++t) {
                state = a(n, t, c) * state + b(n, t, c);
                h(n, t, c) = state;
            }
        }
    return h;
}

Tensor linear_recurrence_scan(const Tensor& a, const Tensor& b, const Tensor& h0) {
    const Tensor start = checked_h0("linear_recurrence_scan", a, b, h0);
    const int B = a.dim(0), T = a.dim(1), N = a.dim(2);
    // Position t holds (A_t, B_t), the composition of the steps it has absorbed: h_t = A_t h_{t-span} + B_t.
    Tensor A = a, Bs = b;
    for (int offset = 1; offset < T; offset *= 2) {
        // Every position t >= offset absorbs position t - offset, all at once (reading the last round's values):
        // (A', B') = (A_{t-offset}, B_{t-offset}) o (A_t, B_t) = (A_{t-offset} A_t, A_t B_{t-offset} + B_t)
        const Tensor A_prev = A, B_prev = Bs;
        for (int n = 0; n < B; ++n)
            for (int t = offset; t < T; ++t)
                for (int c = 0; c < N; ++c) {
                    A(n, t, c) = A_prev(n, t - offset, c) * A_prev(n, t, c);
                    Bs(n, t, c) = A_prev(n, t, c) * B_prev(n, t - offset, c) + B_prev(n, t, c);
                }
    }
    // Now (A_t, B_t) composes steps 0..t: h_t = A_t h0 + B_t.
    Tensor h({B, T, N});
    for (int n = 0; n < B; ++n)
        for (int t = 0; t < T; ++t)
            for (int c = 0; c < N; ++c) h(n, t, c) = A(n, t, c) * start(n, c) + Bs(n, t, c);
    return h;
}

LinearRecurrenceGrads linear_recurrence_backward(const Tensor& dh, const Tensor& a, const Tensor& h, const Tensor& h0) {
    const char* op = "linear_recurrence_backward";
    const Tensor start = checked_h0(op, a, h, h0);
    require_shape(op, "dh", dh, a.shape());
    const int B = a.dim(0), T = a.dim(1), N = a.dim(2);
    LinearRecurrenceGrads g{Tensor({B, T, N}), Tensor({B, T, N}), Tensor({B, N})};
    for (int n = 0; n < B; ++n)
        for (int c = 0; c < N; ++c) {
            // g_t = dh_t + a_{t+1} g_{t+1}, from the end; db_t = g_t, da_t = g_t h_{t-1}, dh0 = a_0 g_0
            float carried = 0.0f;  // a_{t+1} g_{t+1}
            for (int t = T - 1; t >= 0; --t) {
                const float g_t = dh(n, t, c) + carried;
                const float h_prev = t > 0 ? h(n, t - 1, c) : start(n, c);
                g.db(n, t, c) = g_t;
                g.da(n, t, c) = g_t * h_prev;
                carried = a(n, t, c) * g_t;
            }
            g.dh0(n, c) = carried;
        }
    return g;
}

}  // namespace wb
