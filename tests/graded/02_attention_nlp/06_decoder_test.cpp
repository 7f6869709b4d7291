// Graded tests for exercise DecoderStep. Goldens: tests/fixtures/02_attention_nlp/decoder_*.wbt (autograd, float64).
#include "chapters/02_attention_nlp/decoder.hpp"
#include "framework/losses.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {

DecoderWeights decoder_weights(const fixtures::Golden& g) {
    return {g["embedding"], {g["w_q"], g["w_k"], g["b"], g["v"]}, {g["w_ih"], g["w_hh"], g["b_ih"], g["b_hh"]},
            g["w_out"], g["b_out"]};
}

// Sums b into a (same shape): the parameter gradients of several steps add up.
void accumulate(Tensor& a, const Tensor& b) {
    if (a.size() == 0) a = Tensor(b.shape());
    for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
}

// Column i of tokens (N, L), as (N, 1).
Tensor column(const Tensor& tokens, int i) {
    Tensor out({tokens.dim(0), 1});
    for (int n = 0; n < tokens.dim(0); ++n) out(n, 0) = tokens(n, i);
    return out;
}

}  // namespace

GRADED_TEST(DecoderStep, ForwardMatchesPyTorch, 2,
            "Attention asks with the previous state h_prev (not the new one); the cell reads [E[y_prev] | context]; "
            "the output layer reads [new h | context].") {
    const auto g = fixtures::load("02_attention_nlp", "decoder_step");
    const DecoderStepResult r = LEARNER(decoder_step_forward(g["prev_tokens"], g["h_prev"], g["c_prev"], g["states"], g["mask"],
                                                     decoder_weights(g)));
    EXPECT_TENSOR_NEAR(r.weights, g["weights"], tol::kForward) << "attention weights";
    EXPECT_TENSOR_NEAR(r.h, g["h"], tol::kForward) << "new state h";
    EXPECT_TENSOR_NEAR(r.c, g["c"], tol::kForward) << "new cell state c";
    EXPECT_TENSOR_NEAR(r.logits, g["logits"], tol::kForward) << "logits";
}

GRADED_TEST(DecoderStep, BackwardMatchesAutograd, 3,
            "Two paths each: the context feeds the output layer and the cell's input, h_prev feeds the recurrence and "
            "the attention's query. Add both. d_h from later steps joins the output layer's gradient of h.") {
    const auto g = fixtures::load("02_attention_nlp", "decoder_step");
    const DecoderWeights w = decoder_weights(g);
    const DecoderStepResult r = LEARNER(decoder_step_forward(g["prev_tokens"], g["h_prev"], g["c_prev"], g["states"], g["mask"], w));
    const DecoderStepGrads d = LEARNER(decoder_step_backward(g["d_logits"], g["d_h"], g["d_c"], g["states"], g["mask"], r.cache, w));
    EXPECT_TENSOR_NEAR(d.d_w_out, g["d_w_out"], tol::kBackward) << "d_w_out";
    EXPECT_TENSOR_NEAR(d.d_b_out, g["d_b_out"], tol::kBackward) << "d_b_out";
    EXPECT_TENSOR_NEAR(d.lstm.dw_ih, g["d_w_ih"], tol::kBackward) << "the LSTM's d_w_ih";
    EXPECT_TENSOR_NEAR(d.lstm.dw_hh, g["d_w_hh"], tol::kBackward) << "the LSTM's d_w_hh";
    EXPECT_TENSOR_NEAR(d.lstm.db_ih, g["d_b_ih"], tol::kBackward) << "the LSTM's d_b_ih";
    EXPECT_TENSOR_NEAR(d.lstm.db_hh, g["d_b_hh"], tol::kBackward) << "the LSTM's d_b_hh";
    EXPECT_TENSOR_NEAR(d.attention.d_w_q, g["d_w_q"], tol::kBackward) << "the attention's d_w_q";
    EXPECT_TENSOR_NEAR(d.attention.d_w_k, g["d_w_k"], tol::kBackward) << "the attention's d_w_k";
    EXPECT_TENSOR_NEAR(d.attention.d_b, g["d_b"], tol::kBackward) << "the attention's d_b";
    EXPECT_TENSOR_NEAR(d.attention.d_v, g["d_v"], tol::kBackward) << "the attention's d_v";
    EXPECT_TENSOR_NEAR(d.d_embedding, g["d_embedding"], tol::kBackward) << "d_embedding (token 2 appears twice)";
    EXPECT_TENSOR_NEAR(d.d_encoder_states, g["d_states"], tol::kBackward) << "d_encoder_states";
    EXPECT_TENSOR_NEAR(d.d_c_prev, g["d_c_prev"], tol::kBackward) << "d_c_prev";
    EXPECT_TENSOR_NEAR(d.d_h_prev, g["d_h_prev"], tol::kBackward) << "d_h_prev (recurrence + query)";
}

GRADED_TEST(DecoderStep, TeacherForcingThroughThreeSteps, 3,
            "Training feeds the target's previous token, not the decoder's guess. Walking back, each step's d_h_prev "
            "and d_c_prev are the previous step's d_h and d_c, and every step adds to the same weight gradients.") {
    const auto g = fixtures::load("02_attention_nlp", "decoder_step");
    const auto forced = fixtures::load("02_attention_nlp", "decoder_forced");
    const DecoderWeights w = decoder_weights(g);
    const Tensor targets = forced["targets"];  // (N, 3); the inputs are start (0), then targets[:, 0..1]
    const int N = targets.dim(0), steps = targets.dim(1);
    std::vector<DecoderStepResult> results;
    Tensor h = g["h_prev"], c = g["c_prev"], input({N, 1});  // the start token, id 0
    double loss = 0;
    std::vector<Tensor> d_logits;
    for (int i = 0; i < steps; ++i) {
        results.push_back(LEARNER(decoder_step_forward(input, h, c, g["states"], g["mask"], w)));
        const LossResult l = softmax_cross_entropy_loss(results.back().logits, column(targets, i).reshaped({N}));
        loss += l.loss, d_logits.push_back(l.grad);
        h = results.back().h, c = results.back().c, input = column(targets, i);
    }
    EXPECT_NEAR(loss, forced["loss"][0], 1e-4) << "the summed cross-entropy of the three steps";

    Tensor d_h(h.shape()), d_c(c.shape()), d_states, d_w_out, d_embedding, d_w_ih, d_w_q;
    for (int i = steps - 1; i >= 0; --i) {
        const DecoderStepGrads d = LEARNER(decoder_step_backward(d_logits[i], d_h, d_c, g["states"], g["mask"], results[i].cache, w));
        d_h = d.d_h_prev, d_c = d.d_c_prev;
        accumulate(d_states, d.d_encoder_states), accumulate(d_w_out, d.d_w_out), accumulate(d_embedding, d.d_embedding);
        accumulate(d_w_ih, d.lstm.dw_ih), accumulate(d_w_q, d.attention.d_w_q);
    }
    EXPECT_TENSOR_NEAR(d_h, forced["d_h0"], tol::kBackward) << "d_h0 after walking back three steps";
    EXPECT_TENSOR_NEAR(d_c, forced["d_c0"], tol::kBackward) << "d_c0 after walking back three steps";
    EXPECT_TENSOR_NEAR(d_states, forced["d_states"], tol::kBackward) << "d_encoder_states summed over the steps";
    EXPECT_TENSOR_NEAR(d_w_out, forced["d_w_out"], tol::kBackward) << "d_w_out summed over the steps";
    EXPECT_TENSOR_NEAR(d_embedding, forced["d_embedding"], tol::kBackward) << "d_embedding summed over the steps";
    EXPECT_TENSOR_NEAR(d_w_ih, forced["d_w_ih"], tol::kBackward) << "the LSTM's d_w_ih summed over the steps";
    EXPECT_TENSOR_NEAR(d_w_q, forced["d_w_q"], tol::kBackward) << "the attention's d_w_q summed over the steps";
}

GRADED_TEST(DecoderStep, GreedyDecodingMatchesPyTorch, 2,
            "Feed back your own argmax (not the start token, not a target); a row that produced the end token (1) "
            "keeps 1 in every later position and all-0 weights.") {
    const auto g = fixtures::load("02_attention_nlp", "decoder_step");
    const auto greedy = fixtures::load("02_attention_nlp", "decoder_greedy");
    const GreedyDecodeResult r = LEARNER(greedy_decode(g["states"], g["mask"], g["h_prev"], g["c_prev"], decoder_weights(greedy),
                                               /*start_id=*/0, /*end_id=*/1, /*max_length=*/6));
    EXPECT_TENSOR_NEAR(r.tokens, greedy["tokens"], tol::kExact) << "the chosen tokens";
    EXPECT_TENSOR_NEAR(r.weights, greedy["weights"], tol::kForward) << "each step's attention weights";
}

GRADED_TEST(DecoderStep, RejectsMismatchedShapes, 1,
            "W_out must have S + H columns, d_logits must be (N, V), and greedy_decode needs max_length >= 1.") {
    const auto g = fixtures::load("02_attention_nlp", "decoder_step");
    DecoderWeights w = decoder_weights(g);
    const DecoderStepResult r = LEARNER(decoder_step_forward(g["prev_tokens"], g["h_prev"], g["c_prev"], g["states"], g["mask"], w));
    EXPECT_SHAPE_ERROR(decoder_step_backward(Tensor({3, 6}), g["d_h"], g["d_c"], g["states"], g["mask"], r.cache, w),
                       "decoder_step_backward");
    EXPECT_SHAPE_ERROR(greedy_decode(g["states"], g["mask"], g["h_prev"], g["c_prev"], w, 0, 1, 0), "greedy_decode");
    w.w_out = Tensor({7, 6});  // reads the new state alone, not [state | context]
    EXPECT_SHAPE_ERROR(decoder_step_forward(g["prev_tokens"], g["h_prev"], g["c_prev"], g["states"], g["mask"], w),
                       "decoder_step_forward");
}
