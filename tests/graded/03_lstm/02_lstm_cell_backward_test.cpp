// Graded tests for exercise LstmCellBackward. Goldens: tests/fixtures/03_lstm/lstm_cell_*.wbt (autograd, float64).
#include "tests/graded/03_lstm/common.hpp"

using namespace wb;
using namespace lstm_test;

static void expect_cell_grads_match(const char* fixture) {
    const auto g = fixtures::load("03_lstm", fixture);
    const LstmWeights w = lstm_weights(g);
    const LstmCellResult r = LEARNER(lstm_cell_forward(g["x"], g["h_prev"], g["c_prev"], w));
    const LstmCellGrads d = LEARNER(lstm_cell_backward(g["dh"], g["dc"], r.cache, w));
    EXPECT_TENSOR_NEAR(d.dc_prev, g["dc_prev"], tol::kBackward) << "dc_prev";
    EXPECT_TENSOR_NEAR(d.dh_prev, g["dh_prev"], tol::kBackward) << "dh_prev";
    EXPECT_TENSOR_NEAR(d.dx, g["dx"], tol::kBackward) << "dx";
    expect_weight_grads(d.dw, g);
}

GRADED_TEST(LstmCellBackward, MatchesAutograd, 3,
            "dc_tot = dc + dh o (1 - tanh^2 c); dz_i = dc_tot g i(1-i), dz_f = dc_tot c_prev f(1-f), dz_g = dc_tot i (1-g^2), dz_o = dh tanh(c) o(1-o).") {
    expect_cell_grads_match("lstm_cell_small");
}

GRADED_TEST(LstmCellBackward, MatchesAutogradAtALargerSize, 2,
            "dx = dz W_ih, dh_prev = dz W_hh, dW_ih = dz^T x, dW_hh = dz^T h_prev; both biases get the column sums of dz.") {
    expect_cell_grads_match("lstm_cell_large");
}

// With dh = 0, only the cell path carries gradient: dc_prev = dc * f exactly, gate by gate.
GRADED_TEST(LstmCellBackward, CellGradientPassesThroughTheForgetGate, 2,
            "dc_prev = dc_tot * f: the gradient into c also flows straight to c_prev, scaled by the forget gate.") {
    const auto g = fixtures::load("03_lstm", "lstm_cell_small");
    const LstmWeights w = lstm_weights(g);
    const LstmCellResult r = LEARNER(lstm_cell_forward(g["x"], g["h_prev"], g["c_prev"], w));
    const int B = 3, H = 5;
    const LstmCellGrads d = LEARNER(lstm_cell_backward(Tensor({B, H}), Tensor({B, H}, 1.0f), r.cache, w));
    Tensor forget({B, H});
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < H; ++j) forget(b, j) = r.cache.gates(b, H + j);
    EXPECT_TENSOR_NEAR(d.dc_prev, forget, tol::kForward) << "dc_prev with dh = 0, dc = 1 must equal f";
}

GRADED_TEST(LstmCellBackward, GradientCheck, 2,
            "Numerical and analytic gradients disagree: check dh_prev, dc_prev and dW_hh one at a time on paper.") {
    Rng rng(31);
    const int B = 2, I = 3, H = 4;
    const LstmWeights w{Tensor::randn({4 * H, I}, rng, 0.5f), Tensor::randn({4 * H, H}, rng, 0.5f),
                        Tensor::randn({4 * H}, rng, 0.3f), Tensor::randn({4 * H}, rng, 0.3f)};
    const Tensor x = Tensor::randn({B, I}, rng), h = Tensor::randn({B, H}, rng), c = Tensor::randn({B, H}, rng);
    const Tensor dh = Tensor::randn({B, H}, rng), dc = Tensor::randn({B, H}, rng);
    // L = sum(h' dh) + sum(c' dc)
    auto loss = [&](const Tensor& xx, const Tensor& hh, const Tensor& cc, const LstmWeights& ww) {
        const LstmCellResult r = LEARNER(lstm_cell_forward(xx, hh, cc, ww));
        return dot(r.h, dh) + dot(r.c, dc);
    };
    const LstmCellGrads d = LEARNER(lstm_cell_backward(dh, dc, lstm_cell_forward(x, h, c, w).cache, w));
    expect_gradient_check("dx", [&](const Tensor& v) { return loss(v, h, c, w); }, x, d.dx);
    expect_gradient_check("dh_prev", [&](const Tensor& v) { return loss(x, v, c, w); }, h, d.dh_prev);
    expect_gradient_check("dc_prev", [&](const Tensor& v) { return loss(x, h, v, w); }, c, d.dc_prev);
    expect_gradient_check("dw_hh", [&](const Tensor& v) { return loss(x, h, c, {w.w_ih, v, w.b_ih, w.b_hh}); }, w.w_hh, d.dw.dw_hh);
    expect_gradient_check("db_hh", [&](const Tensor& v) { return loss(x, h, c, {w.w_ih, w.w_hh, w.b_ih, v}); }, w.b_hh, d.dw.db_hh);
}

GRADED_TEST(LstmCellBackward, RejectsMismatchedGradients, 1, "dh and dc must both be (B, H); name lstm_cell_backward.") {
    const auto g = fixtures::load("03_lstm", "lstm_cell_small");
    const LstmWeights w = lstm_weights(g);
    const LstmCellResult r = LEARNER(lstm_cell_forward(g["x"], g["h_prev"], g["c_prev"], w));
    EXPECT_SHAPE_ERROR(lstm_cell_backward(Tensor({3, 4}), g["dc"], r.cache, w), "lstm_cell_backward");
    EXPECT_SHAPE_ERROR(lstm_cell_backward(g["dh"], Tensor({5}), r.cache, w), "lstm_cell_backward");
}
