// Unseen-input tests of chapter 03's linear attention and gated linear recurrence (course mode only):
// shapes and values drawn for each run from its secret, matched against the reference on the same inputs
// (tests/harness/graded.hpp, UNSEEN_TEST).
#include <cmath>

#include "chapters/03_lstm/linear_attention.hpp"
#include "chapters/03_lstm/linear_recurrence.hpp"
#include "tests/graded/03_lstm/common.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using lstm_test::recurrence;
using wb::grading::between;

namespace {
/// Gates in (0.05, 0.95), drawn.
Tensor drawn_gates(Rng& rng, const Shape& shape) {
    Tensor a = Tensor::randn(shape, rng, 1.5f);
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = 0.05f + 0.9f / (1.0f + std::exp(-a[i]));
    return a;
}
}  // namespace

UNSEEN_TEST(LinearAttentionParallel, DrawnSequences) {
    const int B = between(rng, 1, 3), T = between(rng, 2, 9), D = between(rng, 1, 6), Dv = between(rng, 1, 5);
    const Tensor q = Tensor::randn({B, T, D}, rng, 0.7f), k = Tensor::randn({B, T, D}, rng, 0.7f),
                 v = Tensor::randn({B, T, Dv}, rng);
    EXPECT_MATCHES_REFERENCE(linear_attention_parallel(q, k, v), tol::kForward);
}

UNSEEN_TEST(LinearAttentionRecurrent, DrawnSequencesAndState) {
    const int B = between(rng, 1, 3), T = between(rng, 2, 9), D = between(rng, 1, 6), Dv = between(rng, 1, 5);
    const Tensor q = Tensor::randn({B, T, D}, rng, 0.7f), k = Tensor::randn({B, T, D}, rng, 0.7f),
                 v = Tensor::randn({B, T, Dv}, rng), state0 = Tensor::randn({B, Dv, D}, rng);
    const auto run = [&] {
        const LinearAttentionRecurrentResult from_zero = linear_attention_recurrent(q, k, v);
        const LinearAttentionRecurrentResult from_state = linear_attention_recurrent(q, k, v, state0);
        return std::tuple{from_zero.out, from_zero.state, from_state.out, from_state.state};
    };
    EXPECT_MATCHES_REFERENCE(run(), tol::kForward);
}

UNSEEN_TEST(LinearAttentionBackward, DrawnSequences) {
    const int B = between(rng, 1, 3), T = between(rng, 2, 9), D = between(rng, 1, 6), Dv = between(rng, 1, 5);
    const Tensor q = Tensor::randn({B, T, D}, rng, 0.7f), k = Tensor::randn({B, T, D}, rng, 0.7f),
                 v = Tensor::randn({B, T, Dv}, rng), dout = Tensor::randn({B, T, Dv}, rng);
    EXPECT_MATCHES_REFERENCE(linear_attention_backward(dout, q, k, v), tol::kBackward);
}

UNSEEN_TEST(LinearRecurrenceSequential, DrawnGatesAndInputs) {
    const int B = between(rng, 1, 3), T = between(rng, 1, 20), N = between(rng, 1, 6);
    const Tensor a = drawn_gates(rng, {B, T, N}), b = Tensor::randn({B, T, N}, rng), h0 = Tensor::randn({B, N}, rng);
    EXPECT_MATCHES_REFERENCE(linear_recurrence_sequential(a, b, h0), tol::kForward);
    EXPECT_MATCHES_REFERENCE(linear_recurrence_sequential(a, b), tol::kForward);
}

UNSEEN_TEST(LinearRecurrenceScan, DrawnGatesAndInputs) {
    const int B = between(rng, 1, 3), T = between(rng, 1, 40), N = between(rng, 1, 6);
    const Tensor a = drawn_gates(rng, {B, T, N}), b = Tensor::randn({B, T, N}, rng), h0 = Tensor::randn({B, N}, rng);
    EXPECT_MATCHES_REFERENCE(linear_recurrence_scan(a, b, h0), tol::kForward);
}

UNSEEN_TEST(LinearRecurrenceBackward, DrawnGatesAndInputs) {
    const int B = between(rng, 1, 3), T = between(rng, 1, 20), N = between(rng, 1, 6);
    const Tensor a = drawn_gates(rng, {B, T, N}), b = Tensor::randn({B, T, N}, rng), h0 = Tensor::randn({B, N}, rng),
                 dh = Tensor::randn({B, T, N}, rng);
    const Tensor h = recurrence(a, b, h0);
    EXPECT_MATCHES_REFERENCE(linear_recurrence_backward(dh, a, h, h0), tol::kBackward);
}
