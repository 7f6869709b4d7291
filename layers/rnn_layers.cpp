#include "layers/rnn_layers.hpp"

#include <algorithm>
#include <cmath>

#include "framework/elementwise.hpp"
#include "framework/random.hpp"

namespace wb {

namespace {

// PyTorch's recurrent layers draw every weight and bias from U(-1/sqrt(H), 1/sqrt(H)).
Tensor recurrent_init(const Shape& shape, int hidden, Rng& rng) {
    const float bound = 1.0f / std::sqrt(static_cast<float>(hidden));
    return Tensor::uniform(shape, rng, -bound, bound);
}

// x[:, t] of a (N, T, F) tensor, as (N, F).
Tensor time_step(const Tensor& x, int t) {
    const int N = x.dim(0), F = x.dim(2);
    Tensor step = Tensor::uninitialized({N, F});
    for (int n = 0; n < N; ++n) std::copy_n(&x(n, t, 0), F, &step(n, 0));
    return step;
}

// Runs a one-step cell (rnn_cell_forward, gru_cell_forward) through time from a zero state, keeping each
// step's cache: x (N, T, I) -> (N, T, H), or (N, H) for the last step only.
template <class Weights, class Cache, class CellForward>
Tensor cells_forward(const Tensor& x, const Weights& w, std::vector<Cache>& steps, CellForward cell_forward,
                     RecurrentOutput output) {
    const int N = x.dim(0), T = x.dim(1), H = w.w_hh.dim(1);
    Tensor h({N, H}), out = Tensor::uninitialized({N, T, H});
    steps.clear();
    for (int t = 0; t < T; ++t) {
        auto r = cell_forward(time_step(x, t), h, w);
        h = std::move(r.h);
        for (int n = 0; n < N; ++n) std::copy_n(&h(n, 0), H, &out(n, t, 0));
        steps.push_back(std::move(r.cache));
    }
    return output == RecurrentOutput::last ? h : out;
}

// Back through time over the caches of cells_forward: returns dx (N, T, I); the weight gradients, summed over
// the steps, overwrite `grads`.
template <class Weights, class Grads, class Cache, class CellBackward>
Tensor cells_backward(const char* op, Tensor dout, const Weights& w, const std::vector<Cache>& steps,
                      CellBackward cell_backward, RecurrentOutput output, int input_size, Grads& grads) {
    const int T = static_cast<int>(steps.size()), N = steps.at(0).x.dim(0), H = w.w_hh.dim(1);
    if (output == RecurrentOutput::last) require_shape(op, "dout", dout, {N, H});
    else require_shape(op, "dout", dout, {N, T, H});
    for (Tensor* g : {&grads.dw_ih, &grads.dw_hh, &grads.db_ih, &grads.db_hh}) g->fill(0.0f);
    Tensor dx({N, T, input_size});
    // dh: the gradient reaching h_t, from the output at t (many-to-many) and from step t+1
    Tensor dh = output == RecurrentOutput::last ? std::move(dout) : Tensor({N, H});
    for (int t = T - 1; t >= 0; --t) {
        if (output == RecurrentOutput::sequence)
            for (int n = 0; n < N; ++n)
                for (int j = 0; j < H; ++j) dh(n, j) += dout(n, t, j);
        auto d = cell_backward(dh, steps[t], w);
        for (int n = 0; n < N; ++n) std::copy_n(&d.dx(n, 0), input_size, &dx(n, t, 0));
        const std::pair<Tensor*, const Tensor*> sums[] = {{&grads.dw_ih, &d.dw.dw_ih}, {&grads.dw_hh, &d.dw.dw_hh},
                                                          {&grads.db_ih, &d.dw.db_ih}, {&grads.db_hh, &d.dw.db_hh}};
        for (auto [total, part] : sums)
            for (std::size_t k = 0; k < total->size(); ++k) (*total)[k] += (*part)[k];
        dh = std::move(d.dh_prev);
    }
    return dx;
}

}  // namespace

Lstm::Lstm(int input_size, int hidden_size, Rng& rng, Output output)
    : weights{recurrent_init({4 * hidden_size, input_size}, hidden_size, rng),
              recurrent_init({4 * hidden_size, hidden_size}, hidden_size, rng),
              recurrent_init({4 * hidden_size}, hidden_size, rng), recurrent_init({4 * hidden_size}, hidden_size, rng)},
      grads{Tensor({4 * hidden_size, input_size}), Tensor({4 * hidden_size, hidden_size}), Tensor({4 * hidden_size}),
            Tensor({4 * hidden_size})},
      output_(output) {}

Tensor Lstm::forward(Tensor x) {
    require_rank("Lstm::forward", "x", x, 3);
    const Tensor zeros({x.dim(0), weights.w_hh.dim(1)});
    LstmSequenceResult r = lstm_forward(x, zeros, zeros, weights);
    cache_ = std::move(r.cache);
    return output_ == Output::last ? std::move(r.h_n) : std::move(r.out);
}

Tensor Lstm::backward(Tensor dout) {
    const int N = cache_.x.dim(0), T = cache_.x.dim(1), H = weights.w_hh.dim(1);
    const Tensor zeros({N, H});
    LstmSequenceGrads d = output_ == Output::last ? lstm_backward(Tensor({N, T, H}), dout, zeros, cache_, weights)
                                                  : lstm_backward(dout, zeros, zeros, cache_, weights);
    grads = std::move(d.dw);
    return std::move(d.dx);
}

std::vector<Param> Lstm::params() {
    return {{"lstm.weight_ih", &weights.w_ih, &grads.dw_ih}, {"lstm.weight_hh", &weights.w_hh, &grads.dw_hh},
            {"lstm.bias_ih", &weights.b_ih, &grads.db_ih}, {"lstm.bias_hh", &weights.b_hh, &grads.db_hh}};
}

Shape Lstm::output_shape(const Shape& input) const {
    const int H = weights.w_hh.dim(1);
    return output_ == Output::last ? Shape{input.at(0), H} : Shape{input.at(0), input.at(1), H};
}

ElmanRnn::ElmanRnn(int input_size, int hidden_size, Rng& rng, Output output)
    : weights{recurrent_init({hidden_size, input_size}, hidden_size, rng),
              recurrent_init({hidden_size, hidden_size}, hidden_size, rng), recurrent_init({hidden_size}, hidden_size, rng),
              recurrent_init({hidden_size}, hidden_size, rng)},
      grads{Tensor({hidden_size, input_size}), Tensor({hidden_size, hidden_size}), Tensor({hidden_size}),
            Tensor({hidden_size})},
      output_(output),
      input_size_(input_size) {}

Tensor ElmanRnn::forward(Tensor x) {
    require_shape("ElmanRnn::forward", "x", x, {-1, -1, input_size_});
    return cells_forward(x, weights, steps_, rnn_cell_forward, output_);
}

Tensor ElmanRnn::backward(Tensor dout) {
    return cells_backward("ElmanRnn::backward", std::move(dout), weights, steps_, rnn_cell_backward, output_, input_size_, grads);
}

std::vector<Param> ElmanRnn::params() {
    return {{"rnn.weight_ih", &weights.w_ih, &grads.dw_ih}, {"rnn.weight_hh", &weights.w_hh, &grads.dw_hh},
            {"rnn.bias_ih", &weights.b_ih, &grads.db_ih}, {"rnn.bias_hh", &weights.b_hh, &grads.db_hh}};
}

Shape ElmanRnn::output_shape(const Shape& input) const {
    const int H = weights.w_hh.dim(1);
    return output_ == Output::last ? Shape{input.at(0), H} : Shape{input.at(0), input.at(1), H};
}


Gru::Gru(int input_size, int hidden_size, Rng& rng, Output output)
    : weights{recurrent_init({3 * hidden_size, input_size}, hidden_size, rng),
              recurrent_init({3 * hidden_size, hidden_size}, hidden_size, rng),
              recurrent_init({3 * hidden_size}, hidden_size, rng), recurrent_init({3 * hidden_size}, hidden_size, rng)},
      grads{Tensor({3 * hidden_size, input_size}), Tensor({3 * hidden_size, hidden_size}), Tensor({3 * hidden_size}),
            Tensor({3 * hidden_size})},
      output_(output),
      input_size_(input_size) {}

Tensor Gru::forward(Tensor x) {
    require_shape("Gru::forward", "x", x, {-1, -1, input_size_});
    return cells_forward(x, weights, steps_, gru_cell_forward, output_);
}

Tensor Gru::backward(Tensor dout) {
    return cells_backward("Gru::backward", std::move(dout), weights, steps_, gru_cell_backward, output_, input_size_, grads);
}

std::vector<Param> Gru::params() {
    return {{"gru.weight_ih", &weights.w_ih, &grads.dw_ih}, {"gru.weight_hh", &weights.w_hh, &grads.dw_hh},
            {"gru.bias_ih", &weights.b_ih, &grads.db_ih}, {"gru.bias_hh", &weights.b_hh, &grads.db_hh}};
}

Shape Gru::output_shape(const Shape& input) const {
    const int H = weights.w_hh.dim(1);
    return output_ == Output::last ? Shape{input.at(0), H} : Shape{input.at(0), input.at(1), H};
}

LinearAttention::LinearAttention(int width, int key_width, Rng& rng)
    : query_(width, key_width, rng, Init::torch_default),
      key_(width, key_width, rng, Init::torch_default),
      value_(width, width, rng, Init::torch_default) {}

Tensor LinearAttention::forward(Tensor x) {
    q_ = query_.forward(x);
    k_ = key_.forward(x);
    v_ = value_.forward(std::move(x));
    return linear_attention_parallel(q_, k_, v_);
}

Tensor LinearAttention::backward(Tensor dout) {
    LinearAttentionGrads g = linear_attention_backward(dout, q_, k_, v_);
    // x fed the three projections: its gradient is the sum of theirs
    Tensor dx = query_.backward(std::move(g.dq));
    const Tensor from_keys = key_.backward(std::move(g.dk)), from_values = value_.backward(std::move(g.dv));
    for (std::size_t i = 0; i < dx.size(); ++i) dx[i] += from_keys[i] + from_values[i];
    return dx;
}

std::vector<Param> LinearAttention::params() {
    std::vector<Param> all;
    for (auto [prefix, layer] : {std::pair{"linear_attention.query.", &query_}, std::pair{"linear_attention.key.", &key_},
                                 std::pair{"linear_attention.value.", &value_}})
        for (Param p : layer->params()) all.push_back({prefix + p.name, p.value, p.grad});
    return all;
}

GatedLinearRecurrence::GatedLinearRecurrence(int input_size, int state_size, Rng& rng)
    : state_size_(state_size), gate_(input_size, state_size, rng, Init::torch_default),
      input_(input_size, state_size, rng, Init::torch_default) {}

Tensor GatedLinearRecurrence::forward(Tensor x) {
    a_ = gate_.forward(x);
    sigmoid_array(a_.data(), a_.data(), static_cast<int>(a_.size()));
    u_ = input_.forward(std::move(x));
    // b = (1 - a) u: a gate near 1 keeps the state, near 0 replaces it with the input
    Tensor b(u_.shape());
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = (1.0f - a_[i]) * u_[i];
    h_ = linear_recurrence_scan(a_, b);
    return h_;
}

Tensor GatedLinearRecurrence::backward(Tensor dout) {
    const LinearRecurrenceGrads g = linear_recurrence_backward(dout, a_, h_);
    // b = (1 - a) u:  du = db (1 - a),  and a's total gradient da - db u, then through the sigmoid a (1 - a)
    Tensor dz(a_.shape()), du(u_.shape());
    for (std::size_t i = 0; i < dz.size(); ++i) {
        du[i] = g.db[i] * (1.0f - a_[i]);
        dz[i] = (g.da[i] - g.db[i] * u_[i]) * a_[i] * (1.0f - a_[i]);
    }
    Tensor dx = gate_.backward(std::move(dz));
    const Tensor from_input = input_.backward(std::move(du));
    for (std::size_t i = 0; i < dx.size(); ++i) dx[i] += from_input[i];
    return dx;
}

std::vector<Param> GatedLinearRecurrence::params() {
    std::vector<Param> all;
    for (auto [prefix, layer] : {std::pair{"recurrence.gate.", &gate_}, std::pair{"recurrence.input.", &input_}})
        for (Param p : layer->params()) all.push_back({prefix + p.name, p.value, p.grad});
    return all;
}

}  // namespace wb
