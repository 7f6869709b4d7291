// Helpers shared by the chapter 06 graded tests.
#pragma once
#include "chapters/06_attention_rnn_program/attention_layer.hpp"
#include "framework/random.hpp"
#include "framework/tensor.hpp"

namespace attention_rnn_test {

/// The learner's layer with the given W (its constructor's own draw replaced): its constructor, forward and
/// backward are the exercise, so it is built inside LEARNER blocks and EXPECT_MATCHES_REFERENCE expressions only.
inline wb::LastStateAttention layer_with(const wb::Tensor& weight) {
    wb::Rng unused(0);
    wb::LastStateAttention layer(weight.dim(0), unused);
    layer.weight = weight;
    return layer;
}

}  // namespace attention_rnn_test
