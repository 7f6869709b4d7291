// Graded tests for exercises LinearRecurrenceSequential, LinearRecurrenceScan and LinearRecurrenceBackward.
// Goldens: tests/fixtures/03_lstm/linear_recurrence*.wbt (tools/fixtures/lstm.py: a loop in float64, autograd).
#include "chapters/03_lstm/linear_recurrence.hpp"
#include "tests/graded/03_lstm/common.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/gradient_check.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using lstm_test::recurrence;

namespace {
/// Gates in (0.05, 0.95) and inputs, drawn.
std::pair<Tensor, Tensor> drawn_gates_and_inputs(Rng& rng, const Shape& shape) {
    Tensor a = Tensor::randn(shape, rng);
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = 0.05f + 0.9f / (1.0f + std::exp(-a[i]));
    return {a, Tensor::randn(shape, rng)};
}
}  // namespace

// ---- the loop ------------------------------------------------------------------------------------

GRADED_TEST(LinearRecurrenceSequential, MatchesPyTorch, 2,
            "h_t = a_t * h_{t-1} + b_t element by element, starting from h0: the same a_t multiplies the old state, not b_t.") {
    const auto g = fixtures::load("03_lstm", "linear_recurrence");
    EXPECT_TENSOR_NEAR(LEARNER(linear_recurrence_sequential(g["a"], g["b"], g["h0"])), g["h"], tol::kForward);
}

GRADED_TEST(LinearRecurrenceSequential, WorkedExample, 1,
            "a = [0.5, 0.25], b = [1, 2], h0 = 4: h_0 = 0.5*4 + 1 = 3, h_1 = 0.25*3 + 2 = 2.75; with no h0, start from 0.") {
    const Tensor a({1, 2, 1}, {0.5f, 0.25f}), b({1, 2, 1}, {1.0f, 2.0f});
    EXPECT_TENSOR_NEAR(LEARNER(linear_recurrence_sequential(a, b, Tensor({1, 1}, {4.0f}))), Tensor({1, 2, 1}, {3.0f, 2.75f}),
                       tol::kExact);
    EXPECT_TENSOR_NEAR(LEARNER(linear_recurrence_sequential(a, b)), Tensor({1, 2, 1}, {1.0f, 2.25f}), tol::kExact);
}

GRADED_TEST(LinearRecurrenceSequential, RejectsMismatchedShapes, 1,
            "a and b must both be (B, T, N), h0 (B, N) or empty; name linear_recurrence_sequential.") {
    EXPECT_SHAPE_ERROR(linear_recurrence_sequential(Tensor({2, 3, 4}), Tensor({2, 3, 5})), "linear_recurrence_sequential");
    EXPECT_SHAPE_ERROR(linear_recurrence_sequential(Tensor({2, 3, 4}), Tensor({2, 3, 4}), Tensor({2, 3})),
                       "linear_recurrence_sequential");
}

// ---- the parallel scan ---------------------------------------------------------------------------

GRADED_TEST(LinearRecurrenceScan, MatchesPyTorch, 2,
            "After the last round position t holds (A_t, B_t) for steps 0..t: h_t = A_t * h0 + B_t.") {
    const auto g = fixtures::load("03_lstm", "linear_recurrence");  // T = 9: not a power of two
    EXPECT_TENSOR_NEAR(LEARNER(linear_recurrence_scan(g["a"], g["b"], g["h0"])), g["h"], tol::kForward);
}

GRADED_TEST(LinearRecurrenceScan, LongMemoryMatchesPyTorch, 2,
            "Keep combining while offset < T (offsets 1, 2, 4, ..., 32 for T = 33), and read the last round's values, not this round's.") {
    const auto g = fixtures::load("03_lstm", "linear_recurrence_long");  // T = 33, a near 1
    EXPECT_TENSOR_NEAR(LEARNER(linear_recurrence_scan(g["a"], g["b"], g["h0"])), g["h"], tol::kForward);
}

GRADED_TEST(LinearRecurrenceScan, EqualsTheLoopAtEveryLength, 1,
            "(a1, b1) o (a2, b2) = (a1 a2, a2 b1 + b2): the later step's gate multiplies the earlier step's b.") {
    Rng rng(2024);
    for (int T : {1, 2, 3, 7, 8, 16, 17}) {
        const auto [a, b] = drawn_gates_and_inputs(rng, {2, T, 3});
        const Tensor h0 = Tensor::randn({2, 3}, rng);
        EXPECT_TENSOR_NEAR(LEARNER(linear_recurrence_scan(a, b, h0)), recurrence(a, b, h0), tol::kForward) << "T = " << T;
    }
}

GRADED_TEST(LinearRecurrenceScan, RejectsMismatchedShapes, 1,
            "The same checks as the loop; name linear_recurrence_scan.") {
    EXPECT_SHAPE_ERROR(linear_recurrence_scan(Tensor({2, 3, 4}), Tensor({2, 4, 4})), "linear_recurrence_scan");
    EXPECT_SHAPE_ERROR(linear_recurrence_scan(Tensor({2, 3, 4}), Tensor({2, 3, 4}), Tensor({3, 4})), "linear_recurrence_scan");
}

// ---- the backward pass ---------------------------------------------------------------------------

GRADED_TEST(LinearRecurrenceBackward, MatchesAutograd, 3,
            "g_t = dh_t + a_{t+1} g_{t+1} from the end; db_t = g_t, da_t = g_t h_{t-1}, dh0 = a_0 g_0.") {
    const auto g = fixtures::load("03_lstm", "linear_recurrence");
    // h from the test's own loop: the golden's "h" is the forward tests' expected output, never the learner's input
    const Tensor h = recurrence(g["a"], g["b"], g["h0"]);
    const LinearRecurrenceGrads d = LEARNER(linear_recurrence_backward(g["dh"], g["a"], h, g["h0"]));
    EXPECT_TENSOR_NEAR(d.da, g["da"], tol::kBackward) << "da";
    EXPECT_TENSOR_NEAR(d.db, g["db"], tol::kBackward) << "db";
    EXPECT_TENSOR_NEAR(d.dh0, g["dh0"], tol::kBackward) << "dh0";
}

GRADED_TEST(LinearRecurrenceBackward, GradientCheck, 2,
            "Numerical and analytic gradients disagree: a_t multiplies h_{t-1}, the state BEFORE step t.") {
    Rng rng(77);
    const auto [a, b] = drawn_gates_and_inputs(rng, {2, 6, 3});
    const Tensor h0 = Tensor::randn({2, 3}, rng), dh = Tensor::randn({2, 6, 3}, rng);
    const LinearRecurrenceGrads d = LEARNER(linear_recurrence_backward(dh, a, recurrence(a, b, h0), h0));
    using gradients::dot;
    gradients::expect_gradient_check("da", [&](const Tensor& x) { return dot(recurrence(x, b, h0), dh); }, a, d.da);
    gradients::expect_gradient_check("db", [&](const Tensor& x) { return dot(recurrence(a, x, h0), dh); }, b, d.db);
    gradients::expect_gradient_check("dh0", [&](const Tensor& x) { return dot(recurrence(a, b, x), dh); }, h0, d.dh0);
}

GRADED_TEST(LinearRecurrenceBackward, RejectsMismatchedGradient, 1, "dh must have a's shape (B, T, N); name linear_recurrence_backward.") {
    const Tensor a({2, 3, 4});
    EXPECT_SHAPE_ERROR(linear_recurrence_backward(Tensor({2, 3, 5}), a, a), "linear_recurrence_backward");
}
