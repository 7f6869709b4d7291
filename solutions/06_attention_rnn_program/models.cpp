// Reference: the plain LSTM classifier and the attention RNN.
#include "chapters/06_attention_rnn_program/models.hpp"

#include "chapters/06_attention_rnn_program/attention_layer.hpp"
#include "framework/layers.hpp"
#include "layers/rnn_layers.hpp"

namespace wb {

Sequential build_plain_lstm(int features, int hidden, int classes, Rng& rng) {
    Sequential model;
    model.add<Lstm>(features, hidden, rng, RecurrentOutput::last);  // (N, T, F) -> (N, H)
    model.add<Dense>(hidden, classes, rng, Init::torch_default);    // -> (N, C)
    return model;
}

Sequential build_attention_rnn(int features, int hidden, int classes, Rng& rng) {
    Sequential model;
    model.add<Lstm>(features, hidden, rng, RecurrentOutput::sequence);  // (N, T, F) -> (N, T, H)
    model.add<LastStateAttention>(hidden, rng);                         // -> (N, 2H) = [context; h_{T-1}]
    model.add<Dense>(2 * hidden, classes, rng, Init::torch_default);    // -> (N, C)
    return model;
}

}  // namespace wb
