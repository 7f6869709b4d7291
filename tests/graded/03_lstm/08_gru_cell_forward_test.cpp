// Graded tests for exercise GruCellForward. Goldens: tests/fixtures/03_lstm/gru_cell_*.wbt (nn.GRUCell).
#include "tests/graded/03_lstm/common.hpp"

using namespace wb;
using namespace lstm_test;

static void expect_gru_cell_matches(const char* fixture) {
    const auto g = fixtures::load("03_lstm", fixture);
    EXPECT_TENSOR_NEAR(LEARNER(gru_cell_forward(g["x"], g["h_prev"], gru_weights(g))).h, g["h"], tol::kForward);
}

GRADED_TEST(GruCellForward, MatchesTorchGruCell, 2,
            "Blocks r, z, n in that order; n = tanh(x W_in^T + b_in + r * (h_prev W_hn^T + b_hn)); h = (1 - z) n + z h_prev.") {
    expect_gru_cell_matches("gru_cell_small");
}

GRADED_TEST(GruCellForward, MatchesTorchAtALargerSize, 1,
            "The reset gate multiplies the hidden part after its projection, b_hn included (PyTorch's convention).") {
    expect_gru_cell_matches("gru_cell_large");
}

GRADED_TEST(GruCellForward, WorkedExamples, 1,
            "All weights and biases 0: r = z = 1/2 and n = 0, so h = h_prev / 2. z near 1 keeps h_prev; z near 0 takes n.") {
    const GruWeights zeros{Tensor({3, 1}), Tensor({3, 1}), Tensor({3}), Tensor({3})};
    EXPECT_TENSOR_NEAR(LEARNER(gru_cell_forward(Tensor({1, 1}, 2.0f), Tensor({1, 1}, 0.8f), zeros)).h, Tensor({1, 1}, 0.4f), tol::kExact);
    // b_ih: r block 0, z block -20 (z ~ 2e-9: take n), n block 0; b_hh n block 1: n = tanh(x + r * 1) with r = 1/2
    const GruWeights take_n{Tensor({3, 1}, {0.0f, 0.0f, 1.0f}), Tensor({3, 1}), Tensor({3}, {0.0f, -20.0f, 0.0f}),
                            Tensor({3}, {0.0f, 0.0f, 1.0f})};
    EXPECT_TENSOR_NEAR(LEARNER(gru_cell_forward(Tensor({1, 1}, 0.25f), Tensor({1, 1}, 0.8f), take_n)).h,
                       Tensor({1, 1}, std::tanh(0.75f)), tol::kForward);
}

GRADED_TEST(GruCellForward, RejectsMismatchedShapes, 1, "Check x (B, I), h_prev (B, H) and the (3H, ...) weights; name gru_cell_forward.") {
    const auto g = fixtures::load("03_lstm", "gru_cell_small");
    const GruWeights w = gru_weights(g);
    EXPECT_SHAPE_ERROR(gru_cell_forward(g["x"], Tensor({3, 4}), w), "gru_cell_forward");
    EXPECT_SHAPE_ERROR(gru_cell_forward(Tensor({3, 2}), g["h_prev"], w), "gru_cell_forward");
    GruWeights bad = w;
    bad.b_hh = Tensor({20});  // an LSTM's 4H
    EXPECT_SHAPE_ERROR(gru_cell_forward(g["x"], g["h_prev"], bad), "gru_cell_forward");
}
