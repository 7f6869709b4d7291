// Recurrent layers whose kernels are chapter 03 exercises: Lstm calls lstm_forward and lstm_backward,
// ElmanRnn and Gru call their cell's forward and backward once per step, LinearAttention calls
// linear_attention_parallel and its backward, GatedLinearRecurrence linear_recurrence_scan and its backward. Built once per flavour
// (rnn_layers_learner on chapters/03_lstm, rnn_layers_reference on solutions/03_lstm).
#pragma once
#include <vector>

#include "chapters/03_lstm/gru_cell.hpp"
#include "chapters/03_lstm/linear_attention.hpp"
#include "chapters/03_lstm/linear_recurrence.hpp"
#include "chapters/03_lstm/lstm_sequence.hpp"
#include "chapters/03_lstm/rnn_cell.hpp"
#include "framework/layers.hpp"

namespace wb {

/// Which outputs a recurrent layer returns.
enum class RecurrentOutput {
    sequence,  ///< many-to-many: h_t for every t, (N, T, H)
    last,      ///< many-to-one: h_{T-1} alone, (N, H)
};

/// nn.LSTM(I, H, batch_first=True) from zero initial states: x (N, T, I) -> (N, T, H) or (N, H).
/// Weights initialised as PyTorch does, U(-1/sqrt(H), 1/sqrt(H)) for every tensor.
class Lstm : public Layer {
public:
    using Output = RecurrentOutput;
    Lstm(int input_size, int hidden_size, Rng& rng, Output output = Output::sequence);
    std::string name() const override { return output_ == Output::last ? "LSTM (last step)" : "LSTM"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    std::vector<Param> params() override;
    Shape output_shape(const Shape& input) const override;

    LstmWeights weights;
    LstmWeightGrads grads;

private:
    Output output_;
    LstmSequenceCache cache_;
};

/// nn.RNN(I, H, batch_first=True) with tanh, from a zero initial state, one rnn_cell_forward per step:
/// x (N, T, I) -> (N, T, H) or (N, H). Initialised as PyTorch does.
class ElmanRnn : public Layer {
public:
    using Output = RecurrentOutput;
    ElmanRnn(int input_size, int hidden_size, Rng& rng, Output output = Output::sequence);
    std::string name() const override { return output_ == Output::last ? "RNN (last step)" : "RNN"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    std::vector<Param> params() override;
    Shape output_shape(const Shape& input) const override;

    RnnWeights weights;
    RnnWeightGrads grads;

private:
    Output output_;
    int input_size_;
    std::vector<RnnCellCache> steps_;
};

/// nn.GRU(I, H, batch_first=True) from a zero initial state, one gru_cell_forward per step:
/// x (N, T, I) -> (N, T, H) or (N, H). Initialised as PyTorch does. Parameters 3H(I + H) + 6H.
class Gru : public Layer {
public:
    using Output = RecurrentOutput;
    Gru(int input_size, int hidden_size, Rng& rng, Output output = Output::sequence);
    std::string name() const override { return output_ == Output::last ? "GRU (last step)" : "GRU"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    std::vector<Param> params() override;
    Shape output_shape(const Shape& input) const override;

    GruWeights weights;
    GruWeightGrads grads;

private:
    Output output_;
    int input_size_;
    std::vector<GruCellCache> steps_;
};

/// Causal linear attention as a sequence mixer: x (N, T, E) -> (N, T, E),
/// \f$ o_t = \sum_{s \le t} (q_t \cdot k_s)\, v_s \f$ with q = x W_q^T (width D), k = x W_k^T (width D),
/// v = x W_v^T (width E), each a Dense layer with bias. Its recurrent form keeps a (E, D) state.
class LinearAttention : public Layer {
public:
    LinearAttention(int width, int key_width, Rng& rng);
    std::string name() const override { return "LinearAttention"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    std::vector<Param> params() override;

private:
    Dense query_, key_, value_;
    Tensor q_, k_, v_;
};

/// A gated diagonal linear recurrence as a sequence mixer: x (N, T, E) -> h (N, T, S), with gates from x
/// alone, a = sigmoid(x W_a^T + b_a) and b = (1 - a) * (x W_u^T), and h_t = a_t * h_{t-1} + b_t from 0
/// (computed by the parallel scan). S numbers of state per sequence.
class GatedLinearRecurrence : public Layer {
public:
    GatedLinearRecurrence(int input_size, int state_size, Rng& rng);
    std::string name() const override { return "GatedLinearRecurrence"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    std::vector<Param> params() override;
    Shape output_shape(const Shape& input) const override { return {input[0], input[1], state_size_}; }

private:
    int state_size_;
    Dense gate_, input_;
    Tensor a_, u_, h_;
};

}  // namespace wb
