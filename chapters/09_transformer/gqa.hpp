/// @file gqa.hpp
/// Exercises **GqaForward** and **GqaBackward**: causal self-attention with grouped-query heads.
#pragma once
#include "chapters/01_attention/attention.hpp"
#include "chapters/01_attention/softmax.hpp"
#include "framework/tensor.hpp"

namespace wb {

/// A causal mask for T queries that are the **last** T of S positions (aligned at the bottom-right, as
/// FlashAttention >= 2.1 and torch.nn.attention.bias.causal_lower_right do): query t may attend to keys
/// s <= t + (S - T). With T = S this is chapter 01's causal_mask; with T = 1 (one new token after S - 1 cached
/// ones) every key is allowed. Chapter 01's causal_mask(T, S) is aligned at the top-left instead.
/// @param T queries, 1 <= T <= S
/// @param S keys
/// @return a (T, S) Mask
/// @throws ShapeError naming "causal_mask_bottom_right" unless 1 <= T <= S.
Mask causal_mask_bottom_right(int T, int S);

/// What gqa_attention_backward needs: chapter 01's cache on the repeated heads, and the number of kv heads.
struct GqaCache {
    AttentionCache attention;  ///< q (B*Hq, T, Dh), k and v (B*Hq, S, Dh) repeated, weights (B*Hq, T, S)
    int kv_heads = 0;          ///< Hkv
};

/// The output of gqa_attention_forward.
struct GqaResult {
    Tensor out;      ///< (B, Hq, T, Dh)
    GqaCache cache;  ///< for the backward
};

/// The gradients of gqa_attention_backward.
struct GqaGrads {
    Tensor dq;  ///< (B, Hq, T, Dh)
    Tensor dk;  ///< (B, Hkv, S, Dh)
    Tensor dv;  ///< (B, Hkv, S, Dh)
};

/// Causal scaled dot-product attention with grouped-query heads (Ainslie et al., 2023, GQA): Hq query heads
/// share Hkv key/value heads, each kv head serving G = Hq / Hkv consecutive query heads (query head h reads kv
/// head h / G, as Llama's repeat_kv does). Hkv = Hq is multi-head attention; Hkv = 1 is multi-query attention
/// (Shazeer, 2019). The saving is in the K and V projections and the KV cache (Hkv heads stored and read instead of
/// Hq); the score and value products cost the same.
/// Built on chapter 01: the kv heads are repeated G times, the heads folded into the batch, and
/// attention_forward runs with causal_mask_bottom_right(T, S):
/// \f[ O_h = \operatorname{softmax}\!\Big(\frac{Q_h K_{h/G}^\top}{\sqrt{D_h}} + \text{causal}\Big)\, V_{h/G} \f]
/// @param q (B, Hq, T, Dh)
/// @param k (B, Hkv, S, Dh), Hkv divides Hq, S >= T (the queries are the last T positions)
/// @param v (B, Hkv, S, Dh)
/// @return out (B, Hq, T, Dh) and the cache
/// @throws ShapeError naming "gqa_attention_forward" if the shapes disagree, Hkv does not divide Hq, or S < T.
GqaResult gqa_attention_forward(const Tensor& q, const Tensor& k, const Tensor& v);

/// The backward of gqa_attention_forward: chapter 01's attention_backward on the repeated heads, then each kv
/// head's gradient is the **sum** over the G query heads that read it (a repeat's backward is a sum).
/// @param dout (B, Hq, T, Dh)
/// @param cache from the forward
/// @return dq (B, Hq, T, Dh), dk and dv (B, Hkv, S, Dh)
/// @throws ShapeError naming "gqa_attention_backward" if dout does not match the forward's output.
GqaGrads gqa_attention_backward(const Tensor& dout, const GqaCache& cache);

}  // namespace wb
