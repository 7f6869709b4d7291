// Graded tests for exercise RnnCellBackward. Goldens: tests/fixtures/03_lstm/rnn_*.wbt (autograd, float64).
#include "tests/graded/03_lstm/common.hpp"

using namespace wb;
using namespace lstm_test;

static void expect_rnn_grads_match(const char* fixture) {
    const auto g = fixtures::load("03_lstm", fixture);
    const RnnWeights w = rnn_weights(g);
    const RnnCellGrads d = LEARNER(rnn_cell_backward(g["dh"], rnn_cell_forward(g["x"], g["h_prev"], w).cache, w));
    EXPECT_TENSOR_NEAR(d.dx, g["dx"], tol::kBackward) << "dx";
    EXPECT_TENSOR_NEAR(d.dh_prev, g["dh_prev"], tol::kBackward) << "dh_prev";
    expect_weight_grads(d.dw, g);
}

GRADED_TEST(RnnCellBackward, MatchesAutograd, 2,
            "dz = dh (1 - h^2); dx = dz W_ih, dh_prev = dz W_hh, dW_ih = dz^T x, dW_hh = dz^T h_prev, db = column sums of dz.") {
    expect_rnn_grads_match("rnn_cell_small");
}

GRADED_TEST(RnnCellBackward, MatchesAutogradAtALargerSize, 1, "Both biases receive the same gradient, sum over the batch of dz.") {
    expect_rnn_grads_match("rnn_cell_large");
}

// Seven steps of nn.RNN, run with the learner's cell and walked back through time by this test.
GRADED_TEST(RnnCellBackward, ThroughTimeMatchesTorchRnn, 2,
            "Run back through time: dh_t = dout[:, t] + dh_prev from step t+1; the weight gradients add up over the steps.") {
    const auto g = fixtures::load("03_lstm", "rnn_seq");
    expect_through_time_matches(
        g, rnn_weights(g),
        [](const Tensor& x, const Tensor& h, const RnnWeights& w) { return LEARNER(rnn_cell_forward(x, h, w)); },
        [](const Tensor& dh, const auto& cache, const RnnWeights& w) { return LEARNER(rnn_cell_backward(dh, cache, w)); });
}

GRADED_TEST(RnnCellBackward, GradientCheck, 1, "Numerical and analytic gradients disagree: check dz = dh (1 - h^2) uses the new h.") {
    Rng rng(33);
    const RnnWeights w{Tensor::randn({4, 3}, rng, 0.5f), Tensor::randn({4, 4}, rng, 0.5f), Tensor::randn({4}, rng, 0.3f),
                       Tensor::randn({4}, rng, 0.3f)};
    const Tensor x = Tensor::randn({2, 3}, rng), h = Tensor::randn({2, 4}, rng), dh = Tensor::randn({2, 4}, rng);
    auto loss = [&](const Tensor& xx, const Tensor& hh, const RnnWeights& ww) { return dot(LEARNER(rnn_cell_forward(xx, hh, ww)).h, dh); };
    const RnnCellGrads d = LEARNER(rnn_cell_backward(dh, rnn_cell_forward(x, h, w).cache, w));
    expect_gradient_check("dx", [&](const Tensor& v) { return loss(v, h, w); }, x, d.dx);
    expect_gradient_check("dh_prev", [&](const Tensor& v) { return loss(x, v, w); }, h, d.dh_prev);
    expect_gradient_check("dw_hh", [&](const Tensor& v) { return loss(x, h, {w.w_ih, v, w.b_ih, w.b_hh}); }, w.w_hh, d.dw.dw_hh);
}

GRADED_TEST(RnnCellBackward, RejectsMismatchedGradient, 1, "dh must be (B, H); name rnn_cell_backward.") {
    const auto g = fixtures::load("03_lstm", "rnn_cell_small");
    const RnnWeights w = rnn_weights(g);
    const RnnCellResult r = LEARNER(rnn_cell_forward(g["x"], g["h_prev"], w));
    EXPECT_SHAPE_ERROR(rnn_cell_backward(Tensor({3, 4}), r.cache, w), "rnn_cell_backward");
    EXPECT_SHAPE_ERROR(rnn_cell_backward(Tensor({5}), r.cache, w), "rnn_cell_backward");
}
