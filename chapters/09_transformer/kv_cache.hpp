/// @file kv_cache.hpp
/// Exercises **KvCache** and **KvCacheBytes**: generation one token at a time without recomputing the past.
#pragma once
#include <cstdint>

#include "framework/tensor.hpp"

namespace wb {

/// One layer's keys and values so far, stored for positions 0 .. length-1 of a buffer of `capacity` positions.
struct KvCache {
    Tensor k;        ///< (B, Hkv, capacity, Dh); positions >= length are unused
    Tensor v;        ///< (B, Hkv, capacity, Dh)
    int length = 0;  ///< positions filled
};

/// An empty cache with room for `capacity` positions.
/// @throws ShapeError naming "make_kv_cache" if a size is not positive.
KvCache make_kv_cache(int batch, int kv_heads, int capacity, int head_dim);

/// Attention with a KV cache: appends the T new positions' keys and values at positions length .. length+T-1,
/// then attends the T new queries to every cached position with gqa_attention_forward (so the mask is
/// causal_mask_bottom_right(T, length + T)). Prefill is one call with the whole prompt (T = prompt length) on an
/// empty cache; each decode step is a call with T = 1. Every step equals the full causal forward at those
/// positions, while the per-token cost falls from O(t^2) to O(t): the past keys and values are read, not recomputed.
/// RoPE is applied by the caller before this call, at positions length .. length+T-1 (rope_forward's
/// start_position = cache.length): cached keys keep the rotation of their own position.
/// @param cache the layer's cache; length grows by T
/// @param q (B, Hq, T, Dh), the new queries
/// @param k_new (B, Hkv, T, Dh), the new keys
/// @param v_new (B, Hkv, T, Dh), the new values
/// @return (B, Hq, T, Dh), the attention output of the new positions
/// @throws ShapeError naming "cached_attention" if the shapes disagree with the cache or length + T > capacity.
Tensor cached_attention(KvCache& cache, const Tensor& q, const Tensor& k_new, const Tensor& v_new);

/// The bytes a decoder's KV cache holds: keys and values, every layer, every kv head, every position:
/// \f[ 2 \cdot L \cdot B \cdot H_{kv} \cdot T \cdot D_h \cdot \text{bytes per value} \f]
/// Llama 2 70B (80 layers, 8 kv heads of 128, fp16) at 4096 tokens: 1.25 GiB per sequence; with 64 kv heads
/// (MHA) it would be 10 GiB.
/// @param layers L
/// @param batch B
/// @param kv_heads Hkv
/// @param head_dim Dh
/// @param tokens T, the positions cached
/// @param bytes_per_value 2 for fp16/bf16, 4 for fp32, 1 for int8
/// @throws ShapeError naming "kv_cache_bytes" if an argument is negative or bytes_per_value < 1.
std::int64_t kv_cache_bytes(int layers, int batch, int kv_heads, int head_dim, int tokens, int bytes_per_value);

}  // namespace wb
