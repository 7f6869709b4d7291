// Reference: a KV cache, prefill and decode through gqa_attention_forward, and the cache's size in bytes.
#include "chapters/09_transformer/kv_cache.hpp"

#include <algorithm>
#include <string>

#include "chapters/09_transformer/gqa.hpp"

namespace wb {

KvCache make_kv_cache(int batch, int kv_heads, int capacity, int head_dim) {
    if (batch < 1 || kv_heads < 1 || capacity < 1 || head_dim < 1)
        throw ShapeError("make_kv_cache: batch, kv_heads, capacity and head_dim must be positive");
    return {Tensor({batch, kv_heads, capacity, head_dim}), Tensor({batch, kv_heads, capacity, head_dim}), 0};
}

Tensor cached_attention(KvCache& cache, const Tensor& q, const Tensor& k_new, const Tensor& v_new) {
    const char* op = "cached_attention";
    require_rank(op, "k_new", k_new, 4);
    const int B = cache.k.dim(0), Hkv = cache.k.dim(1), capacity = cache.k.dim(2), Dh = cache.k.dim(3);
    const int T = k_new.dim(2);
    require_shape(op, "k_new", k_new, {B, Hkv, T, Dh});
    require_shape(op, "v_new", v_new, {B, Hkv, T, Dh});
    require_shape(op, "q", q, {B, -1, T, Dh});
    if (cache.length + T > capacity)
        throw ShapeError(std::string(op) + ": " + std::to_string(cache.length) + " cached + " + std::to_string(T) +
                         " new positions exceed the capacity " + std::to_string(capacity));
    // append: positions length .. length+T-1 of every (b, kv head)
    for (int b = 0; b < B; ++b)
        for (int h = 0; h < Hkv; ++h)
            for (int t = 0; t < T; ++t) {
                std::copy_n(&k_new(b, h, t, 0), Dh, &cache.k(b, h, cache.length + t, 0));
                std::copy_n(&v_new(b, h, t, 0), Dh, &cache.v(b, h, cache.length + t, 0));
            }
    cache.length += T;
    // attend to the filled positions 0 .. length-1 only
    const int S = cache.length;
    Tensor k({B, Hkv, S, Dh}), v({B, Hkv, S, Dh});
    for (int b = 0; b < B; ++b)
        for (int h = 0; h < Hkv; ++h) {
            std::copy_n(&cache.k(b, h, 0, 0), static_cast<std::size_t>(S) * Dh, &k(b, h, 0, 0));
            std::copy_n(&cache.v(b, h, 0, 0), static_cast<std::size_t>(S) * Dh, &v(b, h, 0, 0));
        }
    return gqa_attention_forward(q, k, v).out;
}

std::int64_t kv_cache_bytes(int layers, int batch, int kv_heads, int head_dim, int tokens, int bytes_per_value) {
    if (layers < 0 || batch < 0 || kv_heads < 0 || head_dim < 0 || tokens < 0 || bytes_per_value < 1)
        throw ShapeError("kv_cache_bytes: sizes must be >= 0 and bytes_per_value >= 1");
    // 2 (keys and values) * L * B * Hkv * T * Dh * bytes, in 64 bits: a 70B model's cache passes 2^31 bytes
    return std::int64_t{2} * layers * batch * kv_heads * tokens * head_dim * bytes_per_value;
}

}  // namespace wb
