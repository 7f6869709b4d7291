// Graded tests: GoogleTest tests with points and a hint, graded by tools/grader.py.
//
//   GRADED_TEST(Softmax, RowsSumToOne, /*points=*/2, "Divide each exp by its own row's sum.") {
//       EXPECT_TENSOR_NEAR(softmax_rows(x), expected, tol::kExact);
//   }
//
// The suite name is the exercise (as listed in the chapter's tests/graded/NN_topic/chapter.json).
// A body that stops at a stub (wb::NotImplemented) is reported "not attempted", naming the stub.
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "framework/random.hpp"
#include "framework/tensor.hpp"

namespace wb::grading {

/// Registers a graded test's points and hint; called once per test at start-up.
int register_graded(const char* exercise, const char* test, int points, const char* hint);

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

/// Compares two tensors; the failure message gives, in order: a shape mismatch, or the max
/// absolute error, the max relative error, the first failing index and a few expected/got pairs.
::testing::AssertionResult tensors_near(const char* got_expr, const char* expected_expr, const char* tol_expr,
                                        const Tensor& got, const Tensor& expected, Tolerance tol);

}  // namespace wb::grading

/// Named tolerances, per precision and direction. float32 has a 24-bit mantissa (~6e-8 relative);
/// a forward pass over a few dozen terms accumulates ~1e-6; backward passes chain more terms and
/// PyTorch may sum in another order, hence the looser kBackward.
namespace tol {
inline constexpr wb::grading::Tolerance kExact{1e-6, 1e-6};     ///< hand-computed values
inline constexpr wb::grading::Tolerance kForward{1e-5, 1e-4};   ///< float32 forward vs PyTorch
inline constexpr wb::grading::Tolerance kBackward{1e-4, 1e-3};  ///< float32 gradients vs autograd
}  // namespace tol

#define WB_GRADED_CONCAT_(a, b) a##b
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

/// Expects `statement` to throw wb::ShapeError whose message names `op` (as a whole name).
#define EXPECT_SHAPE_ERROR(statement, op)                                                          \
    do {                                                                                           \
        try {                                                                                      \
            statement;                                                                             \
            ADD_FAILURE() << "expected wb::ShapeError from " #statement ", nothing was thrown";    \
        } catch (const ::wb::ShapeError& e) {                                                      \
            EXPECT_TRUE(::wb::grading::names_op(e.what(), op))                                     \
                << "the ShapeError should name the op '" << (op) << "', got: " << e.what();        \
        }                                                                                          \
    } while (0)
