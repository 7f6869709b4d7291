// Graded tests: GoogleTest-style tests with points and a hint, graded by tools/grader.py.
//
//   GRADED_TEST(Softmax, MatchesPyTorch, /*points=*/2, "Normalise over the last dimension only.") {
//       const auto g = fixtures::load("01_attention", "softmax");
//       EXPECT_TENSOR_NEAR(LEARNER(softmax(g["x"])), g["out"], tol::kForward);
//   }
//
// The suite name is the exercise (as listed in the chapter's tests/graded/NN_topic/chapter.json).
// A body that stops at a stub (wb::NotImplemented) is reported "not attempted", naming the stub.
//
// A chapter's tests are built in one of three modes (docs/chapter_guide.md, "Writing the graded tests"):
// - WB_GRADED_RECORD, the learner's process: the learner's code is linked; every LEARNER(expr) is
//   computed and its value handed over (tests/harness/handover.hpp); checks evaluate only what they
//   check (their first operand), never an expected value, and judge nothing.
// - WB_GRADED_JUDGE, the judge's process: no learner code is linked (a learner call outside LEARNER is
//   a link error); every LEARNER(expr) is the learner's handed-over value, and every check, expected
//   value and verdict is here.
// - neither (the harness's own unit tests, tests/framework/harness_test.cpp): GoogleTest's checks in one
//   process. A chapter is never built this way.
// Write the value being checked first: EXPECT_EQ(got, expected), EXPECT_LT(got, bound).
//
// Unseen inputs (course mode, docs/grading.md): an UNSEEN_TEST draws its inputs from `rng`, seeded from a
// secret made for each course run, and checks with EXPECT_MATCHES_REFERENCE(expr, tolerance): the reference's
// value of expr on the same inputs is computed in a trusted run of the reference binary, never in the
// learner's process. It has no points of its own: its exercise's points count once it passes.
//
//   UNSEEN_TEST(Softmax, DrawnRows) {
//       const Tensor x = Tensor::randn({2, 3, 1 + int(rng.below(9))}, rng, 3.0f);
//       EXPECT_MATCHES_REFERENCE(softmax(x), tol::kForward);
//   }
#pragma once
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>

#include "framework/random.hpp"
#include "framework/tensor.hpp"
#include "tests/harness/handover.hpp"

#if !defined(WB_GRADED_RECORD)
#include <gtest/gtest.h>
#endif

namespace wb::grading {

/// Registers a graded test's points, hint and body; called once per test at start-up.
int register_graded(const char* exercise, const char* test, int points, const char* hint, void (*body)() = nullptr);

/// Runs a graded body: a wb::NotImplemented becomes "not attempted: <function>", any other
/// exception a failure that names it. Both keep the process alive for the report.
void run_graded(void (*body)());

/// True when `message` names `op` as a whole name: "softmax: x has shape ()" names softmax, while
/// "masked_softmax: ..." and "softmax_rows: ..." do not.
bool names_op(const std::string& message, const std::string& op);

/// Element-wise tolerance: |got - expected| <= abs + rel * |expected|.
struct Tolerance {
    double abs;
    double rel;
};

#if !defined(WB_GRADED_RECORD)
/// Compares two tensors; the failure message gives, in order: a shape mismatch, or the max
/// absolute error, the max relative error, the first failing index and a few expected/got pairs.
::testing::AssertionResult tensors_near(const char* got_expr, const char* expected_expr, const char* tol_expr,
                                        const Tensor& got, const Tensor& expected, Tolerance tol);
#else
/// The learner's process judges nothing: a check's message, streamed with <<, goes nowhere.
struct NullMessage {
    template <class T>
    NullMessage& operator<<(const T&) { return *this; }
};
inline NullMessage& null_message() {
    static NullMessage sink;
    return sink;
}
#endif

/// The generator of an UNSEEN_TEST's inputs: seeded from the course run's secret (WB_UNSEEN_SEED, given to
/// the learner's process, the reference's run and the judge alike) and the test's name.
inline Rng unseen_rng(const char* test) {
    const char* secret = std::getenv("WB_UNSEEN_SEED");
    if (secret == nullptr || *secret == '\0')
        throw std::runtime_error("an unseen-input test runs in course mode only (WB_UNSEEN_SEED is not set)");
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a of "secret/Exercise.Test"
    for (const char* c : {secret, "/", test})
        for (; *c; ++c) h = (h ^ static_cast<unsigned char>(*c)) * 1099511628211ull;
    return Rng(h);
}

/// A size drawn uniformly from low..high (both included), for an UNSEEN_TEST's shapes.
inline int between(Rng& rng, int low, int high) { return low + static_cast<int>(rng.below(high - low + 1)); }

/// What an UNSEEN_TEST tells the learner (tools/manifest.py reads the same text).
#define WB_UNSEEN_HINT                                                                              \
    "Inputs drawn afresh for each course run, matched against the reference: your code must work "   \
    "beyond the handout's fixed cases."

/// Runs f and tells whether it threw an Error, with its message (any other exception goes on up).
template <class Error, class F>
handover::ThrowOutcome throw_outcome(F&& f) {
    handover::ThrowOutcome outcome;
    try {
        f();
    } catch (const Error& e) {
        outcome.kind = 1;
        outcome.message = e.what();
    }
    return outcome;
}

/// Runs f (in a LEARNER block, on an object the block built) and tells whether it threw wb::ShapeError,
/// with its message: EXPECT_SHAPE_ERROR_OUTCOME then checks it on the judge's side.
template <class F>
handover::ThrowOutcome shape_error_outcome(F&& f) {
    return throw_outcome<ShapeError>(std::forward<F>(f));
}

}  // namespace wb::grading

/// Named tolerances, per precision and direction. float32 has a 24-bit mantissa (~6e-8 relative);
/// a forward pass over a few dozen terms accumulates ~1e-6; backward passes chain more terms and
/// PyTorch may sum in another order, hence the looser kBackward.
namespace tol {
inline constexpr wb::grading::Tolerance kExact{1e-6, 1e-6};     ///< hand-computed values
inline constexpr wb::grading::Tolerance kForward{1e-5, 1e-4};   ///< float32 forward vs PyTorch
inline constexpr wb::grading::Tolerance kBackward{1e-4, 1e-3};  ///< float32 gradients vs autograd
}  // namespace tol

#if defined(WB_GRADED_JUDGE)
#include "tests/harness/reference_match.hpp"
#endif

#define WB_GRADED_CONCAT_(a, b) a##b

/// A test of one exercise on inputs nobody knows before the course run (see the top of this file).
#define UNSEEN_TEST(Exercise, Name)                                                                \
    static void WB_GRADED_CONCAT_(unseen_body_, Exercise##_##Name)(::wb::Rng & rng);                \
    GRADED_TEST(Exercise, Name, 0, WB_UNSEEN_HINT) {                                               \
        ::wb::Rng rng = ::wb::grading::unseen_rng(#Exercise "." #Name);                            \
        WB_GRADED_CONCAT_(unseen_body_, Exercise##_##Name)(rng);                                   \
    }                                                                                              \
    static void WB_GRADED_CONCAT_(unseen_body_, Exercise##_##Name)([[maybe_unused]] ::wb::Rng & rng)

#if defined(WB_GRADED_RECORD)
// ---- the learner's process: compute and hand over, judge nothing ------------------------------

#define GRADED_TEST(Exercise, Name, points, hint)                                                  \
    static void WB_GRADED_CONCAT_(graded_body_, Exercise##_##Name)();                              \
    [[maybe_unused]] static const int WB_GRADED_CONCAT_(graded_reg_, Exercise##_##Name) =          \
        ::wb::grading::register_graded(#Exercise, #Name, points, "",                               \
                                       &WB_GRADED_CONCAT_(graded_body_, Exercise##_##Name));       \
    static void WB_GRADED_CONCAT_(graded_body_, Exercise##_##Name)()

/// A value computed by the learner's code: here it is computed and handed over (by value: a member of a
/// temporary, f().field, is copied while the temporary lives).
#define LEARNER(...) ::wb::handover::hand_over_result(__LINE__, [&]() -> auto { return (__VA_ARGS__); })
/// An expected value kept in a variable: not computed here (an empty value of its type stands in).
#define EXPECTED(...) std::decay_t<decltype(__VA_ARGS__)>{}
/// An unseen-input check: the value is handed over (the learner's or, in the reference's run, the reference's).
#define EXPECT_MATCHES_REFERENCE(expr, tolerance) static_cast<void>(LEARNER(expr))

// A check evaluates the value it checks (which may hold LEARNER values to hand over), never the
// expected one, and decides nothing.
#define WB_GOT_(got) (static_cast<void>(got), ::wb::grading::null_message())
#define EXPECT_TENSOR_NEAR(got, expected, tolerance) WB_GOT_(got)
#define ASSERT_TENSOR_NEAR(got, expected, tolerance) WB_GOT_(got)
#define EXPECT_EQ(got, expected) WB_GOT_(got)
#define EXPECT_NE(got, expected) WB_GOT_(got)
#define EXPECT_LT(got, bound) WB_GOT_(got)
#define EXPECT_LE(got, bound) WB_GOT_(got)
#define EXPECT_GT(got, bound) WB_GOT_(got)
#define EXPECT_GE(got, bound) WB_GOT_(got)
#define EXPECT_NEAR(got, expected, abs_error) WB_GOT_(got)
#define EXPECT_FLOAT_EQ(got, expected) WB_GOT_(got)
#define EXPECT_DOUBLE_EQ(got, expected) WB_GOT_(got)
#define EXPECT_TRUE(got) WB_GOT_(got)
#define EXPECT_FALSE(got) WB_GOT_(got)
#define ASSERT_EQ(got, expected) WB_GOT_(got)
#define ASSERT_NE(got, expected) WB_GOT_(got)
#define ASSERT_LT(got, bound) WB_GOT_(got)
#define ASSERT_LE(got, bound) WB_GOT_(got)
#define ASSERT_GT(got, bound) WB_GOT_(got)
#define ASSERT_GE(got, bound) WB_GOT_(got)
#define ASSERT_NEAR(got, expected, abs_error) WB_GOT_(got)
#define ASSERT_FLOAT_EQ(got, expected) WB_GOT_(got)
#define ASSERT_DOUBLE_EQ(got, expected) WB_GOT_(got)
#define ASSERT_TRUE(got) WB_GOT_(got)
#define ASSERT_FALSE(got) WB_GOT_(got)
#define ADD_FAILURE() ::wb::grading::null_message()
#define SCOPED_TRACE(message) static_cast<void>(0)

/// Runs `statement` (the learner's code) and hands over whether it threw wb::ShapeError, and its message.
#define EXPECT_SHAPE_ERROR(statement, op) WB_HAND_OVER_THROW_(statement, ::wb::ShapeError)
#define EXPECT_SHAPE_ERROR_OUTCOME(outcome, op) WB_GOT_(outcome)
#define EXPECT_THROW(statement, type) WB_HAND_OVER_THROW_(statement, type)
#define WB_HAND_OVER_THROW_(statement, type) \
    ::wb::handover::hand_over(__LINE__, ::wb::grading::throw_outcome<type>([&] { statement; }))

#else
// ---- the judge's process, or one process (the harness's own unit tests): GoogleTest's checks ----

#define GRADED_TEST(Exercise, Name, points, hint)                                                  \
    static void WB_GRADED_CONCAT_(graded_body_, Exercise##_##Name)();                              \
    [[maybe_unused]] static const int WB_GRADED_CONCAT_(graded_reg_, Exercise##_##Name) =          \
        ::wb::grading::register_graded(#Exercise, #Name, points, hint);                            \
    TEST(Exercise, Name) { ::wb::grading::run_graded(&WB_GRADED_CONCAT_(graded_body_, Exercise##_##Name)); } \
    static void WB_GRADED_CONCAT_(graded_body_, Exercise##_##Name)()

#define EXPECT_TENSOR_NEAR(got, expected, tolerance) \
    EXPECT_PRED_FORMAT3(::wb::grading::tensors_near, got, expected, tolerance)
#define ASSERT_TENSOR_NEAR(got, expected, tolerance) \
    ASSERT_PRED_FORMAT3(::wb::grading::tensors_near, got, expected, tolerance)


#define WB_SHAPE_ERROR_MESSAGE_(op, message) \
    "the ShapeError should name the op '" << (op) << "', got: " << (message)

/// Checks a ThrowOutcome: a ShapeError from `what` (its text, for the message) that names `op`.
#define WB_EXPECT_SHAPE_ERROR_IN_(outcome, what, op)                                               \
    do {                                                                                           \
        const ::wb::handover::ThrowOutcome& wb_outcome_ = (outcome);                               \
        if (wb_outcome_.kind == 0)                                                                 \
            ADD_FAILURE() << "expected wb::ShapeError from " what ", nothing was thrown";          \
        else                                                                                       \
            EXPECT_TRUE(::wb::grading::names_op(wb_outcome_.message, op))                          \
                << WB_SHAPE_ERROR_MESSAGE_(op, wb_outcome_.message);                               \
    } while (0)

/// Checks what shape_error_outcome found: a ShapeError that names `op`.
#define EXPECT_SHAPE_ERROR_OUTCOME(outcome, op) WB_EXPECT_SHAPE_ERROR_IN_(outcome, #outcome, op)

#if defined(WB_GRADED_JUDGE)
/// The learner's value of `expr` matches the reference's on the same drawn inputs (an UNSEEN_TEST's check).
#define EXPECT_MATCHES_REFERENCE(expr, tolerance)                                                  \
    do {                                                                                           \
        const auto wb_values_ =                                                                    \
            ::wb::handover::take_over_with_reference<std::decay_t<decltype(expr)>>(__LINE__);      \
        GTEST_ASSERT_(::wb::grading::matches_reference(#expr, wb_values_.first, wb_values_.second, tolerance), \
                      GTEST_NONFATAL_FAILURE_);                                                    \
    } while (0)

/// The learner's value of `expr`, as its process handed it over; `expr` is not evaluated here.
#define LEARNER(...) ::wb::handover::take_over<std::decay_t<decltype(__VA_ARGS__)>>(__LINE__)
/// An expected value kept in a variable (only the judge computes it).
#define EXPECTED(...) (__VA_ARGS__)

#define EXPECT_SHAPE_ERROR(statement, op) \
    WB_EXPECT_SHAPE_ERROR_IN_(::wb::handover::take_over<::wb::handover::ThrowOutcome>(__LINE__), #statement, op)
#undef EXPECT_THROW
#define EXPECT_THROW(statement, type)                                                              \
    do {                                                                                           \
        if (::wb::handover::take_over<::wb::handover::ThrowOutcome>(__LINE__).kind == 0)           \
            ADD_FAILURE() << "expected " #type " from " #statement ", nothing was thrown";         \
    } while (0)

#else
/// One process: the code under test runs right here.
#define LEARNER(...) (__VA_ARGS__)
#define EXPECTED(...) (__VA_ARGS__)

/// Expects `statement` to throw wb::ShapeError whose message names `op` (as a whole name).
#define EXPECT_SHAPE_ERROR(statement, op) \
    WB_EXPECT_SHAPE_ERROR_IN_(::wb::grading::throw_outcome<::wb::ShapeError>([&] { statement; }), #statement, op)
#endif
#endif
