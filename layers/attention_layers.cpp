#include "layers/attention_layers.hpp"

#include "chapters/01_attention/positional.hpp"
#include "framework/random.hpp"

namespace wb {

SelfAttention::SelfAttention(int embed_dim, int heads, Rng& rng, Mask mask) : mask_(std::move(mask)) {
    const int E = embed_dim;
    weights = {heads,          glorot_uniform({E, E}, rng), glorot_uniform({E, E}, rng), glorot_uniform({E, E}, rng),
               Tensor({E}),    Tensor({E}),                 Tensor({E}),                 glorot_uniform({E, E}, rng),
               Tensor({E})};
}

Tensor SelfAttention::forward(Tensor x) {
    MultiHeadResult r = multihead_forward(x, x, x, weights, mask_);
    cache_ = std::move(r.cache);
    last_weights = std::move(r.weights);
    return std::move(r.out);
}

Tensor SelfAttention::backward(Tensor dout) {
    grads = multihead_backward(dout, cache_, weights);
    // x fed the queries, the keys and the values: its gradient is the sum of the three
    Tensor dx = std::move(grads.dquery);
    for (std::size_t i = 0; i < dx.size(); ++i) dx[i] += grads.dkey[i] + grads.dvalue[i];
    return dx;
}

std::vector<Param> SelfAttention::params() {
    return {{"attn.w_q", &weights.w_q, &grads.dw_q}, {"attn.w_k", &weights.w_k, &grads.dw_k},
            {"attn.w_v", &weights.w_v, &grads.dw_v}, {"attn.b_q", &weights.b_q, &grads.db_q},
            {"attn.b_k", &weights.b_k, &grads.db_k}, {"attn.b_v", &weights.b_v, &grads.db_v},
            {"attn.w_o", &weights.w_o, &grads.dw_o}, {"attn.b_o", &weights.b_o, &grads.db_o}};
}

Tensor AddPositions::forward(Tensor x) {
    require_rank("AddPositions::forward", "x", x, 3);
    const int N = x.dim(0), T = x.dim(1), E = x.dim(2);
    if (positions_.rank() != 2 || positions_.dim(0) != T || positions_.dim(1) != E) positions_ = sinusoidal_positions(T, E);
    for (int n = 0; n < N; ++n)
        for (int t = 0; t < T; ++t)
            for (int e = 0; e < E; ++e) x(n, t, e) += positions_(t, e);
    return x;
}

}  // namespace wb
