// Helpers shared by the chapter 03 graded tests: weights and gradients read from the goldens of
// tools/fixtures/lstm.py, compared tensor by tensor.
#pragma once
#include <cmath>

#include "chapters/03_lstm/gru_cell.hpp"
#include "chapters/03_lstm/lstm_cell.hpp"
#include "chapters/03_lstm/rnn_cell.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/gradient_check.hpp"
#include "tests/harness/graded.hpp"

namespace lstm_test {

inline wb::LstmWeights lstm_weights(const fixtures::Golden& g) { return {g["w_ih"], g["w_hh"], g["b_ih"], g["b_hh"]}; }
inline wb::GruWeights gru_weights(const fixtures::Golden& g) { return {g["w_ih"], g["w_hh"], g["b_ih"], g["b_hh"]}; }
inline wb::RnnWeights rnn_weights(const fixtures::Golden& g) { return {g["w_ih"], g["w_hh"], g["b_ih"], g["b_hh"]}; }

/// dW_ih, dW_hh, db_ih, db_hh against the golden's autograd values.
template <class Grads>
void expect_weight_grads(const Grads& dw, const fixtures::Golden& g) {
    EXPECT_TENSOR_NEAR(dw.dw_ih, g["dw_ih"], tol::kBackward) << "dw_ih";
    EXPECT_TENSOR_NEAR(dw.dw_hh, g["dw_hh"], tol::kBackward) << "dw_hh";
    EXPECT_TENSOR_NEAR(dw.db_ih, g["db_ih"], tol::kBackward) << "db_ih";
    EXPECT_TENSOR_NEAR(dw.db_hh, g["db_hh"], tol::kBackward) << "db_hh";
}

using gradients::dot;
using gradients::expect_gradient_check;

}  // namespace lstm_test
