// Graded tests for exercise RnnCellForward. Goldens: tests/fixtures/03_lstm/rnn_cell_*.wbt (nn.RNNCell).
#include <cmath>

#include "tests/graded/03_lstm/common.hpp"

using namespace wb;
using namespace lstm_test;

static void expect_rnn_cell_matches(const char* fixture) {
    const auto g = fixtures::load("03_lstm", fixture);
    EXPECT_TENSOR_NEAR(LEARNER(rnn_cell_forward(g["x"], g["h_prev"], rnn_weights(g))).h, g["h"], tol::kForward);
}

GRADED_TEST(RnnCellForward, MatchesTorchRnnCell, 2, "h = tanh(x W_ih^T + b_ih + h_prev W_hh^T + b_hh).") {
    expect_rnn_cell_matches("rnn_cell_small");
}

GRADED_TEST(RnnCellForward, MatchesTorchAtALargerSize, 1, "W_ih is (H, I): output unit j uses row j.") {
    expect_rnn_cell_matches("rnn_cell_large");
}

GRADED_TEST(RnnCellForward, WorkedExample, 1, "I = H = 1, weights 1, biases 0.25 each, x = 1, h_prev = -0.5: h = tanh(1 - 0.5 + 0.5).") {
    const RnnWeights w{Tensor({1, 1}, 1.0f), Tensor({1, 1}, 1.0f), Tensor({1}, 0.25f), Tensor({1}, 0.25f)};
    const Tensor h = LEARNER(rnn_cell_forward(Tensor({1, 1}, 1.0f), Tensor({1, 1}, -0.5f), w)).h;
    EXPECT_TENSOR_NEAR(h, Tensor({1, 1}, std::tanh(1.0f)), tol::kExact);
}

GRADED_TEST(RnnCellForward, RejectsMismatchedShapes, 1, "Check x (B, I), h_prev (B, H) and the weights; name rnn_cell_forward.") {
    const auto g = fixtures::load("03_lstm", "rnn_cell_small");
    const RnnWeights w = rnn_weights(g);
    EXPECT_SHAPE_ERROR(rnn_cell_forward(g["x"], Tensor({3, 4}), w), "rnn_cell_forward");
    EXPECT_SHAPE_ERROR(rnn_cell_forward(Tensor({3, 2}), g["h_prev"], w), "rnn_cell_forward");
    RnnWeights bad = w;
    bad.b_ih = Tensor({4});
    EXPECT_SHAPE_ERROR(rnn_cell_forward(g["x"], g["h_prev"], bad), "rnn_cell_forward");
}
