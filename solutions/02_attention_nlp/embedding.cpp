// Reference: embedding lookup and its gradient.
#include "chapters/02_attention_nlp/embedding.hpp"

#include <cmath>
#include <string>

namespace wb {

// The id at position i of tokens, checked to be a whole number in [0, vocab).
static int token_id(const char* op, const Tensor& tokens, std::size_t i, int vocab) {
    const float id = tokens[i];
    if (!(id >= 0.0f && id < static_cast<float>(vocab)) || id != std::floor(id))
        throw ShapeError(std::string(op) + ": token " + std::to_string(id) + " at flat position " + std::to_string(i) +
                         " is not a whole number in [0, " + std::to_string(vocab) + ")");
    return static_cast<int>(id);
}

Tensor embedding_forward(const Tensor& weight, const Tensor& tokens) {
    require_rank("embedding_forward", "weight", weight, 2);
    require_rank("embedding_forward", "tokens", tokens, 2);
    const int V = weight.dim(0), D = weight.dim(1), N = tokens.dim(0), T = tokens.dim(1);
    Tensor out = Tensor::uninitialized({N, T, D});
    // out[n, t, :] = W[tokens[n, t], :]
    for (int n = 0; n < N; ++n)
        for (int t = 0; t < T; ++t) {
            const int id = token_id("embedding_forward", tokens, static_cast<std::size_t>(n) * T + t, V);
            for (int d = 0; d < D; ++d) out(n, t, d) = weight(id, d);
        }
    return out;
}

Tensor embedding_backward(const Tensor& dout, const Tensor& tokens, int vocab, int padding_id) {
    require_rank("embedding_backward", "tokens", tokens, 2);
    require_rank("embedding_backward", "dout", dout, 3);
    const int N = tokens.dim(0), T = tokens.dim(1), D = dout.dim(2);
    require_shape("embedding_backward", "dout", dout, {N, T, D});
    if (padding_id < -1 || padding_id >= vocab)
        throw ShapeError("embedding_backward: padding_id " + std::to_string(padding_id) + " is neither -1 (none) nor in [0, " +
                         std::to_string(vocab) + ")");
    // dW[v, :] = sum of dout[n, t, :] over the positions holding v: a scatter-add, repeats accumulate
    Tensor dweight({vocab, D});
    for (int n = 0; n < N; ++n)
        for (int t = 0; t < T; ++t) {
            const int id = token_id("embedding_backward", tokens, static_cast<std::size_t>(n) * T + t, vocab);
            if (id == padding_id) continue;  // padding never trains its row
            for (int d = 0; d < D; ++d) dweight(id, d) += dout(n, t, d);
        }
    return dweight;
}

}  // namespace wb
