/// @file flash.hpp
/// Exercise **FlashForward**: attention in tiles with an online softmax, FlashAttention's forward pass.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// The output of flash_attention_forward.
struct FlashResult {
    Tensor out;        ///< (B, H, T, Dh)
    Tensor logsumexp;  ///< (B, H, T): log sum_s exp(score_ts) per query, what FlashAttention keeps for its backward
};

/// Exact attention computed tile by tile (Dao et al., 2022, FlashAttention; the loop order of FlashAttention-2,
/// Dao 2023): for each block of block_q queries, the keys and values stream past in blocks of block_k, and each
/// query row keeps only a running max m, a running sum l and an unnormalised output row a. For a tile of scores
/// \f$s_{tj} = q_t\cdot k_j/\sqrt{D_h}\f$:
/// \f[ m' = \max(m, \max_j s_{tj}), \quad l' = e^{m-m'}\,l + \textstyle\sum_j e^{s_{tj}-m'}, \quad
///     a' = e^{m-m'}\,a + \sum_j e^{s_{tj}-m'}\, v_j \f]
/// and at the end \f$o_t = a/l\f$, \f$\text{logsumexp}_t = m + \log l\f$. The result equals softmax(QK^T/sqrt(Dh))V
/// up to rounding, but no more than block_q x block_k scores exist at once: memory O(T) instead of O(T^2), and on
/// a GPU the tiles stay in on-chip SRAM, which is where the speed comes from (fewer reads and writes of HBM).
/// With causal, query t (the last T of S positions) sees keys s <= t + S - T, and a tile entirely above that
/// diagonal is skipped, never computed.
/// @param q (B, H, T, Dh)
/// @param k (B, H, S, Dh)
/// @param v (B, H, S, Dh)
/// @param causal whether to mask as causal_mask_bottom_right(T, S) does (then S >= T)
/// @param block_q queries per tile, >= 1 (T need not be a multiple)
/// @param block_k keys per tile, >= 1 (S need not be a multiple)
/// @return out (B, H, T, Dh) and logsumexp (B, H, T)
/// @throws ShapeError naming "flash_attention_forward" on disagreeing shapes, blocks < 1, or causal with S < T.
FlashResult flash_attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, bool causal, int block_q = 64,
                                    int block_k = 64);

}  // namespace wb
