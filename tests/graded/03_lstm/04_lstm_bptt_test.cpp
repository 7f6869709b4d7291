// Graded tests for exercise LstmBptt. Goldens: tests/fixtures/03_lstm/lstm_seq_*.wbt (autograd, float64).
#include <tuple>

#include "chapters/03_lstm/lstm_sequence.hpp"
#include "layers/rnn_layers.hpp"
#include "tests/graded/03_lstm/common.hpp"

using namespace wb;
using namespace lstm_test;

static void expect_bptt_matches(const char* fixture) {
    const auto g = fixtures::load("03_lstm", fixture);
    const LstmWeights w = lstm_weights(g);
    const LstmSequenceResult r = LEARNER(lstm_forward(g["x"], g["h0"], g["c0"], w));
    const LstmSequenceGrads d = LEARNER(lstm_backward(g["dout"], g["dh_n"], g["dc_n"], r.cache, w));
    EXPECT_TENSOR_NEAR(d.dx, g["dx"], tol::kBackward) << "dx";
    EXPECT_TENSOR_NEAR(d.dh0, g["dh0"], tol::kBackward) << "dh0";
    EXPECT_TENSOR_NEAR(d.dc0, g["dc0"], tol::kBackward) << "dc0";
    expect_weight_grads(d.dw, g);
}

GRADED_TEST(LstmBptt, MatchesAutograd, 3,
            "Walk t = T-1 .. 0: dh_t = dout[:, t] + the dh flowing back from step t+1, dc_t = the dc from step t+1; sum dW over t.") {
    expect_bptt_matches("lstm_seq_small");
}

GRADED_TEST(LstmBptt, MatchesAutogradOverTwentySteps, 3,
            "Every step needs its own cached gates and c_{t-1} (c0 at t = 0); the gradients from step t+1 must reach step t.") {
    expect_bptt_matches("lstm_seq_large");
}

GRADED_TEST(LstmBptt, OneStepUsesHnAndCn, 1, "With T = 1 the step's dh is dout[:, 0] + dh_n and its dc is dc_n.") {
    expect_bptt_matches("lstm_seq_t1");
}

// Many-to-one: the loss sees only h_n, so every gradient travels back through time from the last step.
GRADED_TEST(LstmBptt, ManyToOneLayerMatchesAutograd, 2,
            "The layers/ Lstm layer (many-to-one) calls your lstm_forward and lstm_backward with dout = 0 and dc_n = 0.") {
    const auto g = fixtures::load("03_lstm", "lstm_seq_last_only");
    const Tensor zeros_h0({3, 6});
    // the layer starts from h0 = c0 = 0, so compare against the sequence kernel run from zeros too
    const LstmWeights w = lstm_weights(g);
    // the layer (on the learner's kernels): its output h_n, its dx and its dW_hh for dh_n
    const auto [h_n, dx, dw_hh] = LEARNER([&] {
        Rng rng(1);
        Lstm layer(4, 6, rng, Lstm::Output::last);
        layer.weights = w;
        const Tensor out = layer.forward(g["x"]);
        const Tensor d_x = layer.backward(g["dh_n"]);
        return std::tuple{out, d_x, layer.grads.dw_hh};
    }());
    const LstmSequenceResult r = LEARNER(lstm_forward(g["x"], zeros_h0, zeros_h0, w));
    EXPECT_TENSOR_NEAR(h_n, r.h_n, tol::kExact) << "the layer's output is h_n";
    const LstmSequenceGrads d = LEARNER(lstm_backward(Tensor({3, 12, 6}), g["dh_n"], zeros_h0, r.cache, w));
    EXPECT_TENSOR_NEAR(dx, d.dx, tol::kExact) << "dx";
    EXPECT_TENSOR_NEAR(dw_hh, d.dw.dw_hh, tol::kExact) << "dw_hh";
    // and from the golden's own (h0, c0): the many-to-one gradients autograd computed
    expect_bptt_matches("lstm_seq_last_only");
}

GRADED_TEST(LstmBptt, GradientCheck, 2,
            "Numerical and analytic gradients disagree: try T = 1 first, then T = 2 (the recurrent dh and dc).") {
    Rng rng(32);
    const int B = 2, T = 4, I = 3, H = 3;
    const LstmWeights w{Tensor::randn({4 * H, I}, rng, 0.5f), Tensor::randn({4 * H, H}, rng, 0.5f),
                        Tensor::randn({4 * H}, rng, 0.3f), Tensor::randn({4 * H}, rng, 0.3f)};
    const Tensor x = Tensor::randn({B, T, I}, rng), h0 = Tensor::randn({B, H}, rng), c0 = Tensor::randn({B, H}, rng);
    const Tensor dout = Tensor::randn({B, T, H}, rng), dh_n = Tensor::randn({B, H}, rng), dc_n = Tensor::randn({B, H}, rng);
    // L = sum(out dout) + sum(h_n dh_n) + sum(c_n dc_n)
    auto loss = [&](const Tensor& xx, const Tensor& hh, const Tensor& cc, const LstmWeights& ww) {
        const LstmSequenceResult r = LEARNER(lstm_forward(xx, hh, cc, ww));
        return dot(r.out, dout) + dot(r.h_n, dh_n) + dot(r.c_n, dc_n);
    };
    const LstmSequenceGrads d = LEARNER(lstm_backward(dout, dh_n, dc_n, lstm_forward(x, h0, c0, w).cache, w));
    expect_gradient_check("dx", [&](const Tensor& v) { return loss(v, h0, c0, w); }, x, d.dx);
    expect_gradient_check("dh0", [&](const Tensor& v) { return loss(x, v, c0, w); }, h0, d.dh0);
    expect_gradient_check("dc0", [&](const Tensor& v) { return loss(x, h0, v, w); }, c0, d.dc0);
    expect_gradient_check("dw_hh", [&](const Tensor& v) { return loss(x, h0, c0, {w.w_ih, v, w.b_ih, w.b_hh}); }, w.w_hh, d.dw.dw_hh);
    expect_gradient_check("dw_ih", [&](const Tensor& v) { return loss(x, h0, c0, {v, w.w_hh, w.b_ih, w.b_hh}); }, w.w_ih, d.dw.dw_ih);
}

GRADED_TEST(LstmBptt, RejectsMismatchedGradients, 1, "dout must be (B, T, H), dh_n and dc_n (B, H); name lstm_backward.") {
    const auto g = fixtures::load("03_lstm", "lstm_seq_small");
    const LstmWeights w = lstm_weights(g);
    const LstmSequenceResult r = LEARNER(lstm_forward(g["x"], g["h0"], g["c0"], w));
    EXPECT_SHAPE_ERROR(lstm_backward(Tensor({2, 5, 4}), g["dh_n"], g["dc_n"], r.cache, w), "lstm_backward");
    EXPECT_SHAPE_ERROR(lstm_backward(g["dout"], Tensor({2, 3}), g["dc_n"], r.cache, w), "lstm_backward");
    EXPECT_SHAPE_ERROR(lstm_backward(g["dout"], g["dh_n"], Tensor({4}), r.cache, w), "lstm_backward");
}
