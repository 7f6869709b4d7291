// Reference: one step of an attention decoder, its backward pass, and greedy decoding.
#include "chapters/02_attention_nlp/decoder.hpp"

#include <algorithm>
#include <string>

#include "chapters/02_attention_nlp/embedding.hpp"
#include "framework/linalg.hpp"

namespace wb {

namespace {

// [a; b]: a (N, A) and b (N, B) side by side, (N, A + B).
Tensor side_by_side(const Tensor& a, const Tensor& b) {
    const int N = a.dim(0), A = a.dim(1), B = b.dim(1);
    Tensor out = Tensor::uninitialized({N, A + B});
    for (int n = 0; n < N; ++n) {
        std::copy_n(&a(n, 0), A, &out(n, 0));
        std::copy_n(&b(n, 0), B, &out(n, A));
    }
    return out;
}

// Columns [begin, end) of x (N, F), as (N, end - begin).
Tensor columns(const Tensor& x, int begin, int end) {
    const int N = x.dim(0);
    Tensor out = Tensor::uninitialized({N, end - begin});
    for (int n = 0; n < N; ++n) std::copy_n(&x(n, begin), end - begin, &out(n, 0));
    return out;
}

// The shapes that belong to the step itself; the embedding, the attention and the cell check their own.
void check_step(const char* op, const Tensor& prev_tokens, const Tensor& h_prev, const Tensor& encoder_states,
                const DecoderWeights& w) {
    require_rank(op, "h_prev", h_prev, 2);
    require_rank(op, "encoder_states", encoder_states, 3);
    require_rank(op, "embedding", w.embedding, 2);
    const int N = h_prev.dim(0), S = h_prev.dim(1), H = encoder_states.dim(2);
    const int V = w.embedding.dim(0), E = w.embedding.dim(1);
    require_shape(op, "prev_tokens", prev_tokens, {N, 1});
    require_shape(op, "encoder_states", encoder_states, {N, -1, H});
    require_shape(op, "lstm.w_ih", w.lstm.w_ih, {4 * S, E + H});
    require_shape(op, "w_out", w.w_out, {V, S + H});
    require_shape(op, "b_out", w.b_out, {V});
}

}  // namespace

DecoderStepResult decoder_step_forward(const Tensor& prev_tokens, const Tensor& h_prev, const Tensor& c_prev,
                                       const Tensor& encoder_states, const Tensor& mask, const DecoderWeights& w) {
    check_step("decoder_step_forward", prev_tokens, h_prev, encoder_states, w);
    const int N = h_prev.dim(0), V = w.embedding.dim(0), E = w.embedding.dim(1);

    // where to look, asked with the previous state s_{i-1}
    const AdditiveAttentionResult attended = additive_attention_forward(h_prev, encoder_states, mask, w.attention);
    // (s_i, cell_i) = LSTMCell([E[y_{i-1}]; c_i], s_{i-1}, cell_{i-1})
    const Tensor embedded = embedding_forward(w.embedding, prev_tokens).reshaped({N, E});
    LstmCellResult cell = lstm_cell_forward(side_by_side(embedded, attended.context), h_prev, c_prev, w.lstm);
    // logits = [s_i; c_i] W_out^T + b_out
    const Tensor readout = side_by_side(cell.h, attended.context);
    Tensor logits({N, V});
    for (int n = 0; n < N; ++n)
        for (int v = 0; v < V; ++v) logits(n, v) = w.b_out(v);
    gemm(false, true, N, V, readout.dim(1), 1.0f, readout.data(), w.w_out.data(), 1.0f, logits.data());

    DecoderStepCache cache{prev_tokens, h_prev, attended.context, std::move(cell.cache), cell.h};
    return {std::move(logits), std::move(cell.h), std::move(cell.c), attended.weights, std::move(cache)};
}

DecoderStepGrads decoder_step_backward(const Tensor& d_logits, const Tensor& d_h, const Tensor& d_c,
                                       const Tensor& encoder_states, const Tensor& mask, const DecoderStepCache& cache,
                                       const DecoderWeights& w) {
    const char* op = "decoder_step_backward";
    check_step(op, cache.prev_tokens, cache.h_prev, encoder_states, w);
    const int N = cache.h_prev.dim(0), S = cache.h_prev.dim(1), H = encoder_states.dim(2);
    const int V = w.embedding.dim(0), E = w.embedding.dim(1);
    require_shape(op, "d_logits", d_logits, {N, V});
    require_shape(op, "d_h", d_h, {N, S});
    require_shape(op, "d_c", d_c, {N, S});

    // logits = [s_i; c_i] W_out^T + b_out:  d[s_i; c_i] = d_logits W_out,  dW_out = d_logits^T [s_i; c_i]
    const Tensor readout = side_by_side(cache.h, cache.context);
    Tensor d_readout({N, S + H}), d_w_out({V, S + H}), d_b_out({V});
    gemm(false, false, N, S + H, V, 1.0f, d_logits.data(), w.w_out.data(), 0.0f, d_readout.data());
    gemm(true, false, V, S + H, N, 1.0f, d_logits.data(), readout.data(), 0.0f, d_w_out.data());
    for (int n = 0; n < N; ++n)
        for (int v = 0; v < V; ++v) d_b_out(v) += d_logits(n, v);

    // the new state reaches the loss through this step's output and through the later steps
    Tensor d_state = columns(d_readout, 0, S);
    for (int n = 0; n < N; ++n)
        for (int j = 0; j < S; ++j) d_state(n, j) += d_h(n, j);
    const LstmCellGrads cell = lstm_cell_backward(d_state, d_c, cache.lstm, w.lstm);

    // the context reaches the loss through the output layer and through the cell's input [E[y]; c_i]
    Tensor d_context = columns(d_readout, S, S + H);
    for (int n = 0; n < N; ++n)
        for (int j = 0; j < H; ++j) d_context(n, j) += cell.dx(n, E + j);
    AdditiveAttentionGrads attention =
        additive_attention_backward(d_context, cache.h_prev, encoder_states, mask, w.attention);

    // s_{i-1} fed the recurrence and asked the attention's question
    Tensor d_h_prev = cell.dh_prev;
    for (int n = 0; n < N; ++n)
        for (int j = 0; j < S; ++j) d_h_prev(n, j) += attention.d_query(n, j);
    const Tensor d_embedded = columns(cell.dx, 0, E).reshaped({N, 1, E});
    const Tensor d_embedding = embedding_backward(d_embedded, cache.prev_tokens, V);

    Tensor d_encoder_states = attention.d_keys;
    return {std::move(d_h_prev), cell.dc_prev,         std::move(d_encoder_states), d_embedding,
            std::move(attention), cell.dw,             std::move(d_w_out),          std::move(d_b_out)};
}

GreedyDecodeResult greedy_decode(const Tensor& encoder_states, const Tensor& mask, const Tensor& h0, const Tensor& c0,
                                 const DecoderWeights& w, int start_id, int end_id, int max_length) {
    require_rank("greedy_decode", "embedding", w.embedding, 2);
    require_rank("greedy_decode", "encoder_states", encoder_states, 3);
    const int V = w.embedding.dim(0), N = encoder_states.dim(0), T = encoder_states.dim(1);
    if (max_length < 1 || start_id < 0 || start_id >= V || end_id < 0 || end_id >= V)
        throw ShapeError("greedy_decode: max_length " + std::to_string(max_length) + " must be >= 1 and start_id " +
                         std::to_string(start_id) + ", end_id " + std::to_string(end_id) + " in [0, " +
                         std::to_string(V) + ")");

    GreedyDecodeResult out{Tensor({N, max_length}, static_cast<float>(end_id)), Tensor({N, max_length, T})};
    Tensor tokens({N, 1}, static_cast<float>(start_id)), h = h0, c = c0;
    std::vector<bool> finished(N, false);
    for (int i = 0; i < max_length; ++i) {
        DecoderStepResult step = decoder_step_forward(tokens, h, c, encoder_states, mask, w);
        bool all_finished = true;
        for (int n = 0; n < N; ++n) {
            if (finished[n]) continue;
            // the next input is the decoder's own choice: the argmax, the first one on ties
            const float* row = &step.logits(n, 0);
            const int choice = static_cast<int>(std::max_element(row, row + V) - row);
            out.tokens(n, i) = static_cast<float>(choice);
            std::copy_n(&step.weights(n, 0), T, &out.weights(n, i, 0));
            tokens(n, 0) = static_cast<float>(choice);
            finished[n] = choice == end_id;
            all_finished = all_finished && finished[n];
        }
        if (all_finished) break;
        h = std::move(step.h), c = std::move(step.c);
    }
    return out;
}

}  // namespace wb
