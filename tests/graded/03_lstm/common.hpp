// Helpers shared by the chapter 03 graded tests: weights and gradients read from the goldens of
// tools/fixtures/lstm.py, compared tensor by tensor.
#pragma once
#include <cmath>
#include <functional>

#include "chapters/03_lstm/lstm_cell.hpp"
#include "chapters/03_lstm/rnn_cell.hpp"
#include "framework/gradcheck.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

namespace lstm_test {

inline wb::LstmWeights lstm_weights(const fixtures::Golden& g) { return {g["w_ih"], g["w_hh"], g["b_ih"], g["b_hh"]}; }
inline wb::RnnWeights rnn_weights(const fixtures::Golden& g) { return {g["w_ih"], g["w_hh"], g["b_ih"], g["b_hh"]}; }

/// dW_ih, dW_hh, db_ih, db_hh against the golden's autograd values.
template <class Grads>
void expect_weight_grads(const Grads& dw, const fixtures::Golden& g) {
    EXPECT_TENSOR_NEAR(dw.dw_ih, g["dw_ih"], tol::kBackward) << "dw_ih";
    EXPECT_TENSOR_NEAR(dw.dw_hh, g["dw_hh"], tol::kBackward) << "dw_hh";
    EXPECT_TENSOR_NEAR(dw.db_ih, g["db_ih"], tol::kBackward) << "db_ih";
    EXPECT_TENSOR_NEAR(dw.db_hh, g["db_hh"], tol::kBackward) << "db_hh";
}

/// sum(a * b) in double: a loss whose gradient with respect to a is b.
inline double dot(const wb::Tensor& a, const wb::Tensor& b) {
    double s = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
    return s;
}

/// Expects the analytic gradient to match centered differences of `loss` around x (float32 steps of
/// 1e-2, losses summed in double): relative error with floor 1e-3 below 1e-2, as chapter 01's checks.
inline void expect_gradient_check(const char* what, const std::function<double(const wb::Tensor&)>& loss,
                                  const wb::Tensor& x, const wb::Tensor& analytic) {
    const wb::Tensor numeric = wb::numeric_gradient(loss, x);
    EXPECT_LT(wb::relative_error(analytic, numeric, 1e-3), 1e-2) << what;
}

}  // namespace lstm_test
