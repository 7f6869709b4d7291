// Graded tests for exercise GruCellBackward. Goldens: tests/fixtures/03_lstm/gru_*.wbt (autograd, float64).
#include "tests/graded/03_lstm/common.hpp"

using namespace wb;
using namespace lstm_test;

static void expect_gru_grads_match(const char* fixture) {
    const auto g = fixtures::load("03_lstm", fixture);
    const GruWeights w = gru_weights(g);
    const GruCellGrads d = LEARNER(gru_cell_backward(g["dh"], gru_cell_forward(g["x"], g["h_prev"], w).cache, w));
    EXPECT_TENSOR_NEAR(d.dx, g["dx"], tol::kBackward) << "dx";
    EXPECT_TENSOR_NEAR(d.dh_prev, g["dh_prev"], tol::kBackward) << "dh_prev";
    expect_weight_grads(d.dw, g);
}

GRADED_TEST(GruCellBackward, MatchesAutograd, 2,
            "dn = dh (1 - z), dz = dh (h_prev - n); dh_prev gets dh z directly plus [da_r, da_z, da_n r] W_hh.") {
    expect_gru_grads_match("gru_cell_small");
}

GRADED_TEST(GruCellBackward, MatchesAutogradAtALargerSize, 1,
            "The two biases differ in the n block: db_hn = sum of da_n r, db_in = sum of da_n.") {
    expect_gru_grads_match("gru_cell_large");
}

// Seven steps of nn.GRU, run with the learner's cell and walked back through time by this test.
GRADED_TEST(GruCellBackward, ThroughTimeMatchesTorchGru, 2,
            "Back through time: dh_t = dout[:, t] + dh_prev from step t+1; the weight gradients add up over the steps.") {
    const auto g = fixtures::load("03_lstm", "gru_seq");
    expect_through_time_matches(
        g, gru_weights(g),
        [](const Tensor& x, const Tensor& h, const GruWeights& w) { return LEARNER(gru_cell_forward(x, h, w)); },
        [](const Tensor& dh, const auto& cache, const GruWeights& w) { return LEARNER(gru_cell_backward(dh, cache, w)); });
}

GRADED_TEST(GruCellBackward, GradientCheck, 1, "Numerical and analytic gradients disagree: follow each of h's three paths to h_prev.") {
    Rng rng(34);
    const GruWeights w{Tensor::randn({12, 3}, rng, 0.5f), Tensor::randn({12, 4}, rng, 0.5f), Tensor::randn({12}, rng, 0.3f),
                       Tensor::randn({12}, rng, 0.3f)};
    const Tensor x = Tensor::randn({2, 3}, rng), h = Tensor::randn({2, 4}, rng), dh = Tensor::randn({2, 4}, rng);
    auto loss = [&](const Tensor& xx, const Tensor& hh, const GruWeights& ww) { return dot(LEARNER(gru_cell_forward(xx, hh, ww)).h, dh); };
    const GruCellGrads d = LEARNER(gru_cell_backward(dh, gru_cell_forward(x, h, w).cache, w));
    expect_gradient_check("dx", [&](const Tensor& v) { return loss(v, h, w); }, x, d.dx);
    expect_gradient_check("dh_prev", [&](const Tensor& v) { return loss(x, v, w); }, h, d.dh_prev);
    expect_gradient_check("dw_hh", [&](const Tensor& v) { return loss(x, h, {w.w_ih, v, w.b_ih, w.b_hh}); }, w.w_hh, d.dw.dw_hh);
    expect_gradient_check("db_hh", [&](const Tensor& v) { return loss(x, h, {w.w_ih, w.w_hh, w.b_ih, v}); }, w.b_hh, d.dw.db_hh);
}

GRADED_TEST(GruCellBackward, RejectsMismatchedGradient, 1, "dh must be (B, H); name gru_cell_backward.") {
    const auto g = fixtures::load("03_lstm", "gru_cell_small");
    const GruWeights w = gru_weights(g);
    const GruCellCache cache = LEARNER(gru_cell_forward(g["x"], g["h_prev"], w)).cache;
    EXPECT_SHAPE_ERROR(gru_cell_backward(Tensor({3, 4}), cache, w), "gru_cell_backward");
}
