// Graded tests for exercise LstmCellForward. Goldens: tests/fixtures/03_lstm/lstm_cell_*.wbt (nn.LSTMCell).
#include <cmath>

#include "tests/graded/03_lstm/common.hpp"

using namespace wb;
using namespace lstm_test;

static void expect_cell_matches(const char* fixture) {
    const auto g = fixtures::load("03_lstm", fixture);
    const LstmCellResult r = LEARNER(lstm_cell_forward(g["x"], g["h_prev"], g["c_prev"], lstm_weights(g)));
    EXPECT_TENSOR_NEAR(r.c, g["c"], tol::kForward) << "c";
    EXPECT_TENSOR_NEAR(r.h, g["h"], tol::kForward) << "h";
}

GRADED_TEST(LstmCellForward, MatchesTorchLstmCell, 3,
            "z = x W_ih^T + b_ih + h_prev W_hh^T + b_hh; i, f, o = sigmoid, g = tanh; c = f c_prev + i g; h = o tanh(c).") {
    expect_cell_matches("lstm_cell_small");
}

GRADED_TEST(LstmCellForward, MatchesTorchAtALargerSize, 2, "B = 8, I = 16, H = 32: index rows of w_ih with the gate block k * H + j.") {
    expect_cell_matches("lstm_cell_large");
}

// Zero weights, so each gate is its bias alone, split half into b_ih and half into b_hh:
// i = 0.75, f = 0.5, g = 0.5, o = 0.25; c = 0.5 c_prev + 0.375, h = 0.25 tanh(c).
GRADED_TEST(LstmCellForward, GatesComeInTheOrderIFGO, 2,
            "PyTorch stacks the gates i, f, g, o: columns [0, H) input, [H, 2H) forget, [2H, 3H) candidate, [3H, 4H) output; both biases count.") {
    const int H = 2;
    LstmWeights w{Tensor({4 * H, 3}), Tensor({4 * H, H}), Tensor({4 * H}), Tensor({4 * H})};
    const float z[4] = {std::log(3.0f), 0.0f, std::atanh(0.5f), -std::log(3.0f)};
    for (int k = 0; k < 4; ++k)
        for (int j = 0; j < H; ++j) w.b_ih(k * H + j) = w.b_hh(k * H + j) = z[k] / 2;
    const Tensor c_prev({1, H}, {1.0f, -2.0f});
    const LstmCellResult r = LEARNER(lstm_cell_forward(Tensor({1, 3}, {0.3f, -1.0f, 2.0f}), Tensor({1, H}, {0.5f, 0.5f}), c_prev, w));
    const Tensor c({1, H}, {0.875f, -0.625f});
    EXPECT_TENSOR_NEAR(r.c, c, tol::kExact) << "c = f c_prev + i g with i = 0.75, f = 0.5, g = 0.5";
    EXPECT_TENSOR_NEAR(r.h, Tensor({1, H}, {0.25f * std::tanh(0.875f), 0.25f * std::tanh(-0.625f)}), tol::kExact)
        << "h = o tanh(c) with o = 0.25";
}

GRADED_TEST(LstmCellForward, RejectsMismatchedShapes, 1,
            "Check x (B, I), h_prev and c_prev (B, H), w_ih (4H, I), w_hh (4H, H) and both biases (4H); name lstm_cell_forward.") {
    const auto g = fixtures::load("03_lstm", "lstm_cell_small");
    const LstmWeights w = lstm_weights(g);
    EXPECT_SHAPE_ERROR(lstm_cell_forward(g["x"], Tensor({3, 4}), g["c_prev"], w), "lstm_cell_forward");
    EXPECT_SHAPE_ERROR(lstm_cell_forward(g["x"], g["h_prev"], Tensor({2, 5}), w), "lstm_cell_forward");
    EXPECT_SHAPE_ERROR(lstm_cell_forward(Tensor({3, 5}), g["h_prev"], g["c_prev"], w), "lstm_cell_forward");
    LstmWeights three_gates = w;
    three_gates.w_hh = Tensor({15, 5});
    EXPECT_SHAPE_ERROR(lstm_cell_forward(g["x"], g["h_prev"], g["c_prev"], three_gates), "lstm_cell_forward");
    LstmWeights short_bias = w;
    short_bias.b_hh = Tensor({5});
    EXPECT_SHAPE_ERROR(lstm_cell_forward(g["x"], g["h_prev"], g["c_prev"], short_bias), "lstm_cell_forward");
}
