// Graded tests for exercise LstmSequenceForward. Goldens: tests/fixtures/03_lstm/lstm_seq_*.wbt (nn.LSTM).
#include "chapters/03_lstm/lstm_sequence.hpp"
#include "tests/graded/03_lstm/common.hpp"

using namespace wb;
using namespace lstm_test;

static void expect_sequence_matches(const char* fixture) {
    const auto g = fixtures::load("03_lstm", fixture);
    const LstmSequenceResult r = LEARNER(lstm_forward(g["x"], g["h0"], g["c0"], lstm_weights(g)));
    EXPECT_TENSOR_NEAR(r.out, g["out"], tol::kForward) << "out";
    EXPECT_TENSOR_NEAR(r.h_n, g["h_n"], tol::kForward) << "h_n";
    EXPECT_TENSOR_NEAR(r.c_n, g["c_n"], tol::kForward) << "c_n";
}

GRADED_TEST(LstmSequenceForward, MatchesTorchLstm, 3,
            "Run the cell for t = 0 .. T-1 from (h0, c0), feeding each step's (h, c) to the next; out[:, t] = h_t.") {
    expect_sequence_matches("lstm_seq_small");
}

GRADED_TEST(LstmSequenceForward, MatchesTorchOverTwentySteps, 2,
            "x is (B, T, I) batch first: step t reads x[b, t, :] for every b. Errors grow with T if a state is reset or reused.") {
    expect_sequence_matches("lstm_seq_large");
}

GRADED_TEST(LstmSequenceForward, OneStepIsOneCell, 1, "With T = 1, out[:, 0], h_n and c_n are one cell step from (h0, c0).") {
    expect_sequence_matches("lstm_seq_t1");
}

GRADED_TEST(LstmSequenceForward, RejectsMismatchedShapes, 1,
            "Check x (B, T, I), h0 and c0 (B, H) and the weights; name lstm_forward.") {
    const auto g = fixtures::load("03_lstm", "lstm_seq_small");
    const LstmWeights w = lstm_weights(g);
    EXPECT_SHAPE_ERROR(lstm_forward(Tensor({2, 6}), g["h0"], g["c0"], w), "lstm_forward");
    EXPECT_SHAPE_ERROR(lstm_forward(Tensor({2, 6, 4}), g["h0"], g["c0"], w), "lstm_forward");
    EXPECT_SHAPE_ERROR(lstm_forward(g["x"], Tensor({3, 4}), g["c0"], w), "lstm_forward");
    EXPECT_SHAPE_ERROR(lstm_forward(g["x"], g["h0"], Tensor({2, 3}), w), "lstm_forward");
}
