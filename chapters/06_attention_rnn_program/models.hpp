/// @file models.hpp
/// Exercise **AttentionRnnModels**: the source's "attention RNN" as it really is (a plain LSTM, given the
/// output layer it lacks) and the model it claims to be (the same LSTM with attention over its states).
///
/// Shapes: N = batch, T = time steps, F = input features, H = hidden units, C = classes.
#pragma once
#include "framework/model.hpp"
#include "framework/random.hpp"

namespace wb {

/// The source's model: x (N, T, F) -> Lstm(F, H) returning its last state only -> (N, H) -> Dense(H, C)
/// -> logits (N, C). Parameters: 4H(F + H) + 8H + (H + 1)C.
/// (The source's LSTM returns its whole sequence and has no output layer at all; a classifier needs one,
/// and the last state is all it has.) Use wb::Lstm (layers/rnn_layers.hpp) with RecurrentOutput::last,
/// which runs your chapter 03 kernels, and wb::Dense with Init::torch_default.
Sequential build_plain_lstm(int features, int hidden, int classes, Rng& rng);

/// The attention RNN: x (N, T, F) -> Lstm(F, H) returning every state -> (N, T, H) -> LastStateAttention(H)
/// -> (N, 2H) -> Dense(2H, C) -> logits (N, C). Parameters: 4H(F + H) + 8H + H^2 + (2H + 1)C.
/// Draw the layers' weights in this order from rng: the LSTM's, the attention's, the Dense's.
Sequential build_attention_rnn(int features, int hidden, int classes, Rng& rng);

}  // namespace wb
