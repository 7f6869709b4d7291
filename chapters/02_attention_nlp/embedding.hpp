/// @file embedding.hpp
/// Exercise **Embedding**: token ids to vectors, and the gradient back to the table.
///
/// Shapes: V = vocabulary size, D = embedding size, N = sequences, T = tokens per sequence. Token ids
/// are stored as floats holding whole numbers (the workbook's tensors are float).
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// Looks up one row of the table per token: \f$\text{out}[n, t, :] = W[\text{tokens}[n, t], :]\f$.
/// The same as multiplying a one-hot row by W, without building the one-hot row.
/// @param weight W (V, D)
/// @param tokens (N, T), every id a whole number in [0, V)
/// @return (N, T, D)
/// @throws ShapeError naming "embedding_forward" if weight or tokens is not rank 2, or an id is not a
///         whole number in [0, V) (the message names the id, its position and V).
/// PyTorch: `torch.nn.functional.embedding(tokens, weight)`.
Tensor embedding_forward(const Tensor& weight, const Tensor& tokens);

/// The table's gradient: row v receives the sum of dout[n, t, :] over every position where
/// tokens[n, t] = v, so a token that occurs k times collects k contributions; rows never looked up
/// get 0. The row of `padding_id` gets 0 whatever dout says (padding positions must not train it).
/// @param dout dL/d(out) (N, T, D)
/// @param tokens (N, T), as given to embedding_forward
/// @param vocab V, the table's row count
/// @param padding_id the padding token's id in [0, V), or -1 for none
/// @return dL/dW (V, D)
/// @throws ShapeError naming "embedding_backward" if dout is not (N, T, D) for tokens (N, T), an id is
///         not a whole number in [0, V), or padding_id is neither -1 nor in [0, V).
/// PyTorch: the gradient of `nn.Embedding(V, D, padding_idx=padding_id)`'s weight, with `padding_idx=None`
/// for -1 (PyTorch itself reads a negative padding_idx from the end, as V + padding_idx).
Tensor embedding_backward(const Tensor& dout, const Tensor& tokens, int vocab, int padding_id = -1);

}  // namespace wb
