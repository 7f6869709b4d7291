// Unseen-input tests of chapter 03 (course mode only): shapes and values drawn for each run from its
// secret, matched against the reference's values on the same inputs (tests/harness/graded.hpp,
// UNSEEN_TEST). A table of the handout's fixed cases cannot pass them.
#include <cmath>
#include <tuple>
#include <utility>
#include <vector>

#include "chapters/03_lstm/clip.hpp"
#include "chapters/03_lstm/gru_cell.hpp"
#include "chapters/03_lstm/lstm_cell.hpp"
#include "chapters/03_lstm/lstm_sequence.hpp"
#include "chapters/03_lstm/rnn_cell.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using wb::grading::between;

namespace {
/// Weights of a cell with `blocks` gate blocks (RNN 1, GRU 3, LSTM 4), all drawn.
template <class Weights>
Weights drawn_weights(Rng& rng, int blocks, int I, int H) {
    return {Tensor::randn({blocks * H, I}, rng, 0.5f), Tensor::randn({blocks * H, H}, rng, 0.5f),
            Tensor::randn({blocks * H}, rng, 0.3f), Tensor::randn({blocks * H}, rng, 0.3f)};
}

/// The global L2 norm of the gradients (computed here, in double).
double global_norm(const std::vector<Tensor>& grads) {
    double squares = 0.0;
    for (const Tensor& g : grads)
        for (float v : g) squares += static_cast<double>(v) * v;
    return std::sqrt(squares);
}
}  // namespace

UNSEEN_TEST(LstmCellForward, DrawnStateAndWeights) {
    const int B = between(rng, 1, 4), I = between(rng, 1, 5), H = between(rng, 1, 6);
    const LstmWeights w = drawn_weights<LstmWeights>(rng, 4, I, H);
    const Tensor x = Tensor::randn({B, I}, rng), h_prev = Tensor::randn({B, H}, rng), c_prev = Tensor::randn({B, H}, rng);
    const auto outputs = [&] {
        const LstmCellResult r = lstm_cell_forward(x, h_prev, c_prev, w);
        return std::pair{r.h, r.c};
    };
    EXPECT_MATCHES_REFERENCE(outputs(), tol::kForward);
}

UNSEEN_TEST(LstmCellBackward, DrawnStateAndGradients) {
    const int B = between(rng, 1, 4), I = between(rng, 1, 5), H = between(rng, 1, 6);
    const LstmWeights w = drawn_weights<LstmWeights>(rng, 4, I, H);
    const Tensor x = Tensor::randn({B, I}, rng), h_prev = Tensor::randn({B, H}, rng), c_prev = Tensor::randn({B, H}, rng);
    const Tensor dh = Tensor::randn({B, H}, rng), dc = Tensor::randn({B, H}, rng);
    EXPECT_MATCHES_REFERENCE(lstm_cell_backward(dh, dc, lstm_cell_forward(x, h_prev, c_prev, w).cache, w), tol::kBackward);
}

UNSEEN_TEST(LstmSequenceForward, DrawnSequence) {
    const int B = between(rng, 1, 3), T = between(rng, 2, 6), I = between(rng, 1, 5), H = between(rng, 1, 5);
    const LstmWeights w = drawn_weights<LstmWeights>(rng, 4, I, H);
    const Tensor x = Tensor::randn({B, T, I}, rng), h0 = Tensor::randn({B, H}, rng), c0 = Tensor::randn({B, H}, rng);
    const auto outputs = [&] {
        const LstmSequenceResult r = lstm_forward(x, h0, c0, w);
        return std::tuple{r.out, r.h_n, r.c_n};
    };
    EXPECT_MATCHES_REFERENCE(outputs(), tol::kForward);
}

UNSEEN_TEST(LstmBptt, DrawnSequenceAndGradients) {
    const int B = between(rng, 1, 3), T = between(rng, 2, 6), I = between(rng, 1, 5), H = between(rng, 1, 5);
    const LstmWeights w = drawn_weights<LstmWeights>(rng, 4, I, H);
    const Tensor x = Tensor::randn({B, T, I}, rng), h0 = Tensor::randn({B, H}, rng), c0 = Tensor::randn({B, H}, rng);
    const Tensor dout = Tensor::randn({B, T, H}, rng), dh_n = Tensor::randn({B, H}, rng), dc_n = Tensor::randn({B, H}, rng);
    EXPECT_MATCHES_REFERENCE(lstm_backward(dout, dh_n, dc_n, lstm_forward(x, h0, c0, w).cache, w), tol::kBackward);
}

UNSEEN_TEST(ClipGradNorm, DrawnGradientsAboveAndBelowTheCap) {
    std::vector<Tensor> grads;
    const int count = between(rng, 2, 4);
    for (int k = 0; k < count; ++k) {
        Shape shape;
        for (int r = between(rng, 1, 3); r > 0; --r) shape.push_back(between(rng, 1, 4));
        grads.push_back(Tensor::randn(shape, rng, rng.uniform(0.5f, 3.0f)));
    }
    const float norm = static_cast<float>(global_norm(grads));
    // max_norm well below the norm (every gradient scaled) and well above it (none touched)
    const float below = norm * rng.uniform(0.1f, 0.8f), above = norm * rng.uniform(1.25f, 3.0f);
    // what clip_grad_norm returns, and the gradients it leaves behind (on its own copy of them)
    const auto clipped = [&](float max_norm) {
        std::vector<Tensor> values, copy = grads;
        for (const Tensor& g : copy) values.emplace_back(g.shape());
        std::vector<Param> params;
        for (std::size_t k = 0; k < copy.size(); ++k) params.push_back({"grad", &values[k], &copy[k]});
        const float returned = clip_grad_norm(params, max_norm);
        return std::pair{returned, copy};
    };
    EXPECT_MATCHES_REFERENCE(clipped(below), tol::kForward);
    EXPECT_MATCHES_REFERENCE(clipped(above), tol::kForward);
}

UNSEEN_TEST(RnnCellForward, DrawnStateAndWeights) {
    const int B = between(rng, 1, 4), I = between(rng, 1, 5), H = between(rng, 2, 6);
    const RnnWeights w = drawn_weights<RnnWeights>(rng, 1, I, H);
    const Tensor x = Tensor::randn({B, I}, rng), h_prev = Tensor::randn({B, H}, rng);
    EXPECT_MATCHES_REFERENCE(rnn_cell_forward(x, h_prev, w).h, tol::kForward);
}

UNSEEN_TEST(RnnCellBackward, DrawnStateAndGradient) {
    const int B = between(rng, 1, 4), I = between(rng, 1, 5), H = between(rng, 2, 6);
    const RnnWeights w = drawn_weights<RnnWeights>(rng, 1, I, H);
    const Tensor x = Tensor::randn({B, I}, rng), h_prev = Tensor::randn({B, H}, rng), dh = Tensor::randn({B, H}, rng);
    EXPECT_MATCHES_REFERENCE(rnn_cell_backward(dh, rnn_cell_forward(x, h_prev, w).cache, w), tol::kBackward);
}

UNSEEN_TEST(GruCellForward, DrawnStateAndWeights) {
    const int B = between(rng, 1, 4), I = between(rng, 1, 5), H = between(rng, 1, 6);
    const GruWeights w = drawn_weights<GruWeights>(rng, 3, I, H);
    const Tensor x = Tensor::randn({B, I}, rng), h_prev = Tensor::randn({B, H}, rng);
    EXPECT_MATCHES_REFERENCE(gru_cell_forward(x, h_prev, w).h, tol::kForward);
}

UNSEEN_TEST(GruCellBackward, DrawnStateAndGradient) {
    const int B = between(rng, 1, 4), I = between(rng, 1, 5), H = between(rng, 1, 6);
    const GruWeights w = drawn_weights<GruWeights>(rng, 3, I, H);
    const Tensor x = Tensor::randn({B, I}, rng), h_prev = Tensor::randn({B, H}, rng), dh = Tensor::randn({B, H}, rng);
    EXPECT_MATCHES_REFERENCE(gru_cell_backward(dh, gru_cell_forward(x, h_prev, w).cache, w), tol::kBackward);
}
