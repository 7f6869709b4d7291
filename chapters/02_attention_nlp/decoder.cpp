// Exercise DecoderStep. Contracts and math: decoder.hpp. Grade: ./wb grade 02
#include "chapters/02_attention_nlp/decoder.hpp"

#include "chapters/02_attention_nlp/embedding.hpp"

namespace wb {

DecoderStepResult decoder_step_forward(const Tensor& prev_tokens, const Tensor& h_prev, const Tensor& c_prev,
                                       const Tensor& encoder_states, const Tensor& mask, const DecoderWeights& w) {
    // TODO: check prev_tokens (N, 1), W_out (V, S + H), b_out (V) and lstm.w_ih (4S, E + H) against h_prev (N, S),
    //       encoder_states (N, T, H) and the embedding (V, E) (ShapeError naming "decoder_step_forward").
    //       1. your additive_attention_forward(h_prev, encoder_states, mask, w.attention): context (N, H), weights.
    //       2. your embedding_forward(w.embedding, prev_tokens) is (N, 1, E); reshape it to (N, E).
    //       3. your lstm_cell_forward([embedded | context] (N, E + H), h_prev, c_prev, w.lstm) (chapter 03).
    //       4. logits(n, v) = b_out(v) + sum_j w_out(v, j) [h | context](n, j).
    //       Keep in the cache what the backward pass needs.
    throw NotImplemented("decoder_step_forward");
}

DecoderStepGrads decoder_step_backward(const Tensor& d_logits, const Tensor& d_h, const Tensor& d_c,
                                       const Tensor& encoder_states, const Tensor& mask, const DecoderStepCache& cache,
                                       const DecoderWeights& w) {
    // TODO: undo the forward in reverse order.
    //       1. d[h | context] = d_logits W_out (N, S + H); d_w_out = d_logits^T [h | context]; d_b_out = column sums.
    //       2. lstm_cell_backward(d_h + the first S columns, d_c, cache.lstm, w.lstm): its dx is (N, E + H).
    //       3. d_context = the last H columns of step 1 + the last H columns of dx; additive_attention_backward
    //          with it (query h_prev) gives d_query, d_keys and the attention's weight gradients.
    //       4. d_h_prev = the cell's dh_prev + d_query; d_encoder_states = d_keys;
    //          d_embedding = embedding_backward(the first E columns of dx as (N, 1, E), prev_tokens, V).
    throw NotImplemented("decoder_step_backward");
}

GreedyDecodeResult greedy_decode(const Tensor& encoder_states, const Tensor& mask, const Tensor& h0, const Tensor& c0,
                                 const DecoderWeights& w, int start_id, int end_id, int max_length) {
    // TODO: reject max_length < 1 and ids outside [0, V) (ShapeError naming "greedy_decode").
    //       tokens start as end_id everywhere and weights as 0. Feed start_id first; at each step i take the
    //       argmax of each unfinished row's logits (the first on ties), write it and the step's weights at i,
    //       and feed it back as the next input. A row is finished once it has produced end_id.
    throw NotImplemented("greedy_decode");
}

}  // namespace wb
