// Exercise AttentionRnnModels. Contracts: models.hpp. Grade: ./wb grade 06
#include "chapters/06_attention_rnn_program/models.hpp"

#include "chapters/06_attention_rnn_program/attention_layer.hpp"
#include "framework/layers.hpp"
#include "layers/rnn_layers.hpp"

namespace wb {

Sequential build_plain_lstm(int features, int hidden, int classes, Rng& rng) {
    // TODO: Lstm(features -> hidden) returning the last state only (RecurrentOutput::last), then
    //       Dense(hidden -> classes) with Init::torch_default.
    // Worked example: Sequential m; m.add<Lstm>(features, hidden, rng, RecurrentOutput::last); ...
    throw NotImplemented("build_plain_lstm");
}

Sequential build_attention_rnn(int features, int hidden, int classes, Rng& rng) {
    // TODO: Lstm returning every state (RecurrentOutput::sequence), your LastStateAttention(hidden), then
    //       Dense(2 * hidden -> classes) with Init::torch_default, built in that order.
    throw NotImplemented("build_attention_rnn");
}

}  // namespace wb
