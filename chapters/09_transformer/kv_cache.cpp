// Exercises KvCache and KvCacheBytes. Contracts and math: kv_cache.hpp. Grade: ./wb grade 09
#include "chapters/09_transformer/kv_cache.hpp"

#include "chapters/09_transformer/gqa.hpp"

namespace wb {

KvCache make_kv_cache(int batch, int kv_heads, int capacity, int head_dim) {
    // TODO: k and v zero tensors (B, Hkv, capacity, Dh), length 0. Reject a size < 1
    //       (ShapeError naming "make_kv_cache").
    // Worked example: make_kv_cache(1, 2, 16, 8).k has shape (1, 2, 16, 8) and length 0.
    throw NotImplemented("make_kv_cache");
}

Tensor cached_attention(KvCache& cache, const Tensor& q, const Tensor& k_new, const Tensor& v_new) {
    // TODO: T = k_new.dim(2). Copy k_new, v_new into cache.k, cache.v at positions length .. length+T-1; length += T.
    //       Copy positions 0 .. length-1 into k, v (B, Hkv, length, Dh) and return
    //       gqa_attention_forward(q, k, v).out: the new queries are the last T of `length` positions.
    //       Reject shapes that disagree with the cache, or length + T > capacity (ShapeError naming "cached_attention").
    // Worked example: prefill 5 prompt tokens (T = 5, length 0 -> 5), then decode (T = 1, length 5 -> 6, ...).
    throw NotImplemented("cached_attention");
}

std::int64_t kv_cache_bytes(int layers, int batch, int kv_heads, int head_dim, int tokens, int bytes_per_value) {
    // TODO: 2 (k and v) * layers * batch * kv_heads * tokens * head_dim * bytes_per_value, in 64-bit arithmetic
    //       (start from std::int64_t{2}: the product passes 2^31). Reject negative sizes or bytes_per_value < 1.
    // Worked example: kv_cache_bytes(80, 1, 8, 128, 4096, 2) = 1,342,177,280 (1.25 GiB, Llama 2 70B).
    throw NotImplemented("kv_cache_bytes");
}

}  // namespace wb
