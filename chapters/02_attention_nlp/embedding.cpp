// Exercise Embedding. Contracts: embedding.hpp. Grade: ./wb grade 02
#include "chapters/02_attention_nlp/embedding.hpp"

namespace wb {

Tensor embedding_forward(const Tensor& weight, const Tensor& tokens) {
    // TODO: out (N, T, D); out(n, t, d) = weight(id, d) with id = tokens(n, t).
    //       Throw ShapeError naming "embedding_forward" for ranks other than 2 and for an id that is not a
    //       whole number in [0, V) (say which id, where, and V).
    // Worked example: weight rows [1, 2], [3, 4], [5, 6]; tokens [[2, 0]] -> [[[5, 6], [1, 2]]].
    throw NotImplemented("embedding_forward");
}

Tensor embedding_backward(const Tensor& dout, const Tensor& tokens, int vocab, int padding_id) {
    // TODO: dweight (vocab, D), zeros; for every (n, t): add dout(n, t, :) to row tokens(n, t), unless that
    //       row is padding_id. Check shapes and ids as in the forward, and that padding_id is -1 or in
    //       [0, vocab) (ShapeError naming "embedding_backward").
    // Worked example: tokens [[1, 1]], dout [[[1, 0], [2, 5]]], vocab 3 -> rows [0, 0], [3, 5], [0, 0].
    throw NotImplemented("embedding_backward");
}

}  // namespace wb
