// Helpers shared by the chapter 03 graded tests: weights and gradients read from the goldens of
// tools/fixtures/lstm.py, compared tensor by tensor.
#pragma once
#include <cmath>
#include <utility>
#include <vector>

#include "chapters/03_lstm/gru_cell.hpp"
#include "chapters/03_lstm/lstm_cell.hpp"
#include "chapters/03_lstm/rnn_cell.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/gradient_check.hpp"
#include "tests/harness/graded.hpp"

namespace lstm_test {

/// The test's own loop for the gated linear recurrence, h_t = a_t h_{t-1} + b_t from h0, summed in double: the
/// forward states the backward tests need and the gradient checks' loss, without the learner's code.
inline wb::Tensor recurrence(const wb::Tensor& a, const wb::Tensor& b, const wb::Tensor& h0) {
    const int B = a.dim(0), T = a.dim(1), N = a.dim(2);
    wb::Tensor h({B, T, N});
    for (int n = 0; n < B; ++n)
        for (int c = 0; c < N; ++c) {
            double state = h0(n, c);
            for (int t = 0; t < T; ++t) h(n, t, c) = static_cast<float>(state = a(n, t, c) * state + b(n, t, c));
        }
    return h;
}

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

/// T steps of a one-state cell (RNN or GRU) over the golden's x (B, T, I) from h0, each h checked against
/// out (B, T, H); then back through time with dout and dh_n, and dx, dh0 and the weight gradients summed over
/// the steps checked against autograd's. `forward(x_t, h, w)` and `backward(dh, cache, w)` are the learner's.
template <class Weights, class Forward, class Backward>
void expect_through_time_matches(const fixtures::Golden& g, const Weights& w, Forward forward, Backward backward) {
    const wb::Tensor& x = g["x"];
    const int B = x.dim(0), T = x.dim(1), I = x.dim(2), H = g["h0"].dim(1);
    std::vector<decltype(forward(x, x, w).cache)> caches;
    wb::Tensor h = g["h0"];
    for (int t = 0; t < T; ++t) {
        wb::Tensor x_t({B, I});
        for (int b = 0; b < B; ++b)
            for (int i = 0; i < I; ++i) x_t(b, i) = x(b, t, i);
        auto r = forward(x_t, h, w);
        for (int b = 0; b < B; ++b)
            for (int j = 0; j < H; ++j) EXPECT_NEAR(r.h(b, j), g["out"](b, t, j), 1e-5) << "h at t = " << t;
        h = r.h;
        caches.push_back(std::move(r.cache));
    }
    // the weight gradients of every step add up; dh_t = dout[:, t] + the dh_prev of step t + 1
    decltype(backward(h, caches[0], w).dw) total{wb::Tensor(w.w_ih.shape()), wb::Tensor(w.w_hh.shape()),
                                                   wb::Tensor(w.b_ih.shape()), wb::Tensor(w.b_hh.shape())};
    wb::Tensor dh = g["dh_n"], dx({B, T, I});
    for (int t = T - 1; t >= 0; --t) {
        for (int b = 0; b < B; ++b)
            for (int j = 0; j < H; ++j) dh(b, j) += g["dout"](b, t, j);
        const auto d = backward(dh, caches[t], w);
        for (int b = 0; b < B; ++b)
            for (int i = 0; i < I; ++i) dx(b, t, i) = d.dx(b, i);
        for (auto [sum, part] : {std::pair{&total.dw_ih, &d.dw.dw_ih}, {&total.dw_hh, &d.dw.dw_hh},
                                 {&total.db_ih, &d.dw.db_ih}, {&total.db_hh, &d.dw.db_hh}}) {
            ASSERT_EQ(sum->shape(), part->shape());
            for (std::size_t k = 0; k < sum->size(); ++k) (*sum)[k] += (*part)[k];
        }
        dh = d.dh_prev;
    }
    EXPECT_TENSOR_NEAR(dx, g["dx"], tol::kBackward) << "dx";
    EXPECT_TENSOR_NEAR(dh, g["dh0"], tol::kBackward) << "dh0";
    expect_weight_grads(total, g);
}

using gradients::dot;
using gradients::expect_gradient_check;

}  // namespace lstm_test
