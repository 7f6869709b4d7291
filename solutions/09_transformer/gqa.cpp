// Reference: causal grouped-query attention on chapter 01's attention_forward and attention_backward.
#include "chapters/09_transformer/gqa.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace wb {

Mask causal_mask_bottom_right(int T, int S) {
    if (T < 1 || T > S)
        throw ShapeError("causal_mask_bottom_right: T = " + std::to_string(T) + " queries must be 1..S = " + std::to_string(S));
    Mask mask{{T, S}, std::vector<std::uint8_t>(static_cast<std::size_t>(T) * S)};
    // query t is position t + (S - T): it sees keys 0 .. t + S - T
    for (int t = 0; t < T; ++t)
        for (int s = 0; s <= t + S - T; ++s) mask.allowed[static_cast<std::size_t>(t) * S + s] = 1;
    return mask;
}

GqaResult gqa_attention_forward(const Tensor& q, const Tensor& k, const Tensor& v) {
    const char* op = "gqa_attention_forward";
    require_rank(op, "q", q, 4);
    require_rank(op, "k", k, 4);
    const int B = q.dim(0), Hq = q.dim(1), T = q.dim(2), Dh = q.dim(3);
    const int Hkv = k.dim(1), S = k.dim(2);
    require_shape(op, "k", k, {B, Hkv, S, Dh});
    require_shape(op, "v", v, {B, Hkv, S, Dh});
    if (Hkv < 1 || Hq % Hkv != 0) shape_mismatch(op, "q", q, "k", k, "the kv heads (dim 1 of k) must divide the query heads");
    if (S < T) shape_mismatch(op, "q", q, "k", k, "the queries must be the last T of the S key positions (S >= T)");
    const int group = Hq / Hkv;
    // repeat each kv head G times: query head h reads kv head h / G
    Tensor k_rep({B * Hq, S, Dh}), v_rep({B * Hq, S, Dh});
    const std::size_t head = static_cast<std::size_t>(S) * Dh;
    for (int b = 0; b < B; ++b)
        for (int h = 0; h < Hq; ++h) {
            const std::size_t from = (static_cast<std::size_t>(b) * Hkv + h / group) * head;
            const std::size_t to = (static_cast<std::size_t>(b) * Hq + h) * head;
            std::copy(k.data() + from, k.data() + from + head, k_rep.data() + to);
            std::copy(v.data() + from, v.data() + from + head, v_rep.data() + to);
        }
    // the heads folded into the batch: (B, Hq, T, Dh) is (B*Hq, T, Dh) in memory
    AttentionResult r = attention_forward(q.reshaped({B * Hq, T, Dh}), k_rep, v_rep, causal_mask_bottom_right(T, S));
    return {std::move(r.out).reshaped({B, Hq, T, Dh}), {std::move(r.cache), Hkv}};
}

GqaGrads gqa_attention_backward(const Tensor& dout, const GqaCache& cache) {
    const char* op = "gqa_attention_backward";
    const Tensor& q = cache.attention.q;  // (B*Hq, T, Dh)
    require_rank(op, "dout", dout, 4);
    const int B = dout.dim(0), Hq = dout.dim(1), T = dout.dim(2), Dh = dout.dim(3);
    if (q.rank() != 3 || q.dim(0) != B * Hq || q.dim(1) != T || q.dim(2) != Dh || cache.kv_heads < 1 || Hq % cache.kv_heads != 0)
        shape_mismatch(op, "dout", dout, "cache.q", q, "dout must be the forward output's shape (B, Hq, T, Dh)");
    const int Hkv = cache.kv_heads, group = Hq / Hkv, S = cache.attention.k.dim(1);
    AttentionGrads g = attention_backward(dout.reshaped({B * Hq, T, Dh}), cache.attention);
    // dk, dv of kv head j: the sum over its G query heads
    GqaGrads out{std::move(g.dq).reshaped({B, Hq, T, Dh}), Tensor({B, Hkv, S, Dh}), Tensor({B, Hkv, S, Dh})};
    const std::size_t head = static_cast<std::size_t>(S) * Dh;
    for (int b = 0; b < B; ++b)
        for (int h = 0; h < Hq; ++h) {
            const std::size_t from = (static_cast<std::size_t>(b) * Hq + h) * head;
            const std::size_t to = (static_cast<std::size_t>(b) * Hkv + h / group) * head;
            for (std::size_t i = 0; i < head; ++i) {
                out.dk[to + i] += g.dk[from + i];
                out.dv[to + i] += g.dv[from + i];
            }
        }
    return out;
}

}  // namespace wb
