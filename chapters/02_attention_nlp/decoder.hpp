/// @file decoder.hpp
/// Exercise **DecoderStep**: one step of an attention decoder (Bahdanau et al., 2015, with an LSTM
/// cell), forward and backward, and greedy decoding. Built on your embedding (exercise 1), your
/// additive attention (exercise 2) and your LSTM cell (chapter 03).
///
/// Shapes: N = batch, T = source positions, H = encoder state size, S = decoder state size,
/// E = target embedding size, A = attention hidden size, V = target vocabulary. Token ids are floats
/// holding whole numbers.
#pragma once
#include "chapters/02_attention_nlp/additive_attention.hpp"
#include "chapters/03_lstm/lstm_cell.hpp"
#include "framework/tensor.hpp"

namespace wb {

/// The decoder's parameters.
struct DecoderWeights {
    Tensor embedding;                    ///< (V, E) one vector per target token
    AdditiveAttentionWeights attention;  ///< w_q (A, S), w_k (A, H), b (A), v (A): the query is the decoder state
    LstmWeights lstm;                    ///< input [embedding; context]: w_ih (4S, E + H), w_hh (4S, S), b_ih, b_hh (4S)
    Tensor w_out;                        ///< (V, S + H) reads [new state; context] out to the vocabulary
    Tensor b_out;                        ///< (V)
};

/// What decoder_step_backward needs from the forward pass.
struct DecoderStepCache {
    Tensor prev_tokens;  ///< (N, 1) the step's input tokens
    Tensor h_prev;       ///< (N, S) the state the attention asked with
    Tensor context;      ///< (N, H)
    LstmCellCache lstm;  ///< the cell's own cache (its x is [embedding; context], (N, E + H))
    Tensor h;            ///< (N, S) the new state
};

/// What decoder_step_forward returns.
struct DecoderStepResult {
    Tensor logits;           ///< (N, V) scores of the next token
    Tensor h;                ///< (N, S) the new decoder state
    Tensor c;                ///< (N, S) the new cell state
    Tensor weights;          ///< (N, T) where this step looked in the source, 0 on padding
    DecoderStepCache cache;  ///< for decoder_step_backward
};

/// One decoder step. The previous state asks where to look (Bahdanau: the query is
/// \f$s_{i-1}\f$, before the step; Luong asks with \f$s_i\f$, after it):
/// \f[ (c_i, a_i) = \operatorname{attention}(s_{i-1},\ h_{1..T},\ m), \qquad
///     (s_i, \text{cell}_i) = \operatorname{LSTMCell}\big([E[y_{i-1}];\ c_i],\ s_{i-1},\ \text{cell}_{i-1}\big), \f]
/// \f[ \text{logits}_i = W_{out} [s_i;\ c_i] + b_{out}. \f]
/// In training, \f$y_{i-1}\f$ is the target's previous token (teacher forcing: the first step gets the
/// start token); in greedy_decode it is the decoder's own previous choice.
/// @param prev_tokens \f$y_{i-1}\f$ (N, 1)
/// @param h_prev \f$s_{i-1}\f$ (N, S)
/// @param c_prev \f$\text{cell}_{i-1}\f$ (N, S)
/// @param encoder_states \f$h\f$ (N, T, H)
/// @param mask (N, T): 1 for a real source position, 0 for padding; every row needs a 1
/// @param w the decoder's weights
/// @return logits (N, V), the new state and cell (N, S), the attention weights (N, T) and the cache
/// @throws ShapeError naming "decoder_step_forward" when the shapes disagree (W_out's columns must be
///         S + H, the LSTM's input E + H); errors of the parts it calls name those parts.
DecoderStepResult decoder_step_forward(const Tensor& prev_tokens, const Tensor& h_prev, const Tensor& c_prev,
                                       const Tensor& encoder_states, const Tensor& mask, const DecoderWeights& w);

/// Gradients of a loss L with respect to every input and parameter of decoder_step_forward.
struct DecoderStepGrads {
    Tensor d_h_prev;                  ///< (N, S): through the LSTM's recurrence and through the attention's query
    Tensor d_c_prev;                  ///< (N, S)
    Tensor d_encoder_states;          ///< (N, T, H)
    Tensor d_embedding;               ///< (V, E): only the rows of prev_tokens are nonzero
    AdditiveAttentionGrads attention;  ///< d_w_q, d_w_k, d_b, d_v (its d_query and d_keys are already in
                                       ///< d_h_prev and d_encoder_states)
    LstmWeightGrads lstm;             ///< dw_ih, dw_hh, db_ih, db_hh
    Tensor d_w_out;                   ///< (V, S + H)
    Tensor d_b_out;                   ///< (V)
};

/// Back-propagates one step. The context reaches the loss by two paths, the output layer and the LSTM's
/// input, and \f$s_{i-1}\f$ by two, the recurrence and the attention's query; each gets the sum:
/// \f[ [\delta s;\ \delta c^{out}] = W_{out}^\top \frac{\partial L}{\partial \text{logits}}, \qquad
///     \text{LSTM backward with } \frac{\partial L}{\partial s_i} + \delta s \text{ and } \frac{\partial L}{\partial \text{cell}_i}
///     \to [\delta e;\ \delta c^{in}],\ \delta s^{rec},\ \delta\text{cell}_{i-1}, \f]
/// \f[ \text{attention backward with } \delta c^{out} + \delta c^{in} \to \delta q,\ \delta h, \qquad
///     \frac{\partial L}{\partial s_{i-1}} = \delta s^{rec} + \delta q, \f]
/// and \f$\delta e\f$ goes into the embedding's row of \f$y_{i-1}\f$.
/// @param d_logits dL/d(logits) (N, V)
/// @param d_h dL/d(s_i) (N, S) from the later steps (zeros at the last step)
/// @param d_c dL/d(cell_i) (N, S) from the later steps (zeros at the last step)
/// @param encoder_states, mask as given to decoder_step_forward
/// @param cache from decoder_step_forward
/// @param w the weights given to decoder_step_forward
/// @return every gradient; parameter gradients summed over the batch
/// @throws ShapeError naming "decoder_step_backward" when d_logits is not (N, V) or d_h, d_c not (N, S).
DecoderStepGrads decoder_step_backward(const Tensor& d_logits, const Tensor& d_h, const Tensor& d_c,
                                       const Tensor& encoder_states, const Tensor& mask, const DecoderStepCache& cache,
                                       const DecoderWeights& w);

/// What greedy_decode returns.
struct GreedyDecodeResult {
    Tensor tokens;   ///< (N, L): the chosen tokens; after a row's first end token, every position holds end_id
    Tensor weights;  ///< (N, L, T): each step's attention weights; all 0 after the row has ended
};

/// Greedy decoding: start from start_id and, for i = 1 .. L, feed the previous *chosen* token, take the
/// argmax of the logits (the first one on ties) as this step's token. A row that has produced end_id
/// is finished: its later positions hold end_id and its state no longer matters. The loop may stop
/// once every row is finished.
/// @param encoder_states (N, T, H)
/// @param mask (N, T)
/// @param h0 (N, S) the decoder's first state (the program passes the encoder's last state)
/// @param c0 (N, S) the decoder's first cell state
/// @param w the decoder's weights
/// @param start_id the token fed at the first step
/// @param end_id the end-of-sequence token
/// @param max_length L >= 1, the most tokens a row may get
/// @return the tokens (N, L) and the attention weights (N, L, T)
/// @throws ShapeError naming "greedy_decode" if max_length < 1 or start_id or end_id is not in [0, V).
GreedyDecodeResult greedy_decode(const Tensor& encoder_states, const Tensor& mask, const Tensor& h0, const Tensor& c0,
                                 const DecoderWeights& w, int start_id, int end_id, int max_length);

}  // namespace wb
