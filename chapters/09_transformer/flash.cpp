// Exercise FlashForward. Contract and math: flash.hpp. Grade: ./wb grade 09
#include "chapters/09_transformer/flash.hpp"

namespace wb {

FlashResult flash_attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, bool causal, int block_q,
                                    int block_k) {
    // TODO: for each (b, h) and each block of up to block_q queries starting at t0:
    //         m = -inf, l = 0, a = 0 (Dh per row);
    //         for each block of up to block_k keys starting at s0 (stop once s0 is past the tile's last allowed key):
    //           s = q_tile k_tile^T / sqrt(Dh) (a block_q x block_k buffer, never T x S); mask s0 + j > t + S - T if causal;
    //           m' = max(m, max_j s_j); l = e^(m - m') l + sum_j e^(s_j - m'); a = e^(m - m') a + sum_j e^(s_j - m') v_j; m = m'.
    //         out row = a / l; logsumexp = m + log l.
    //       Reject disagreeing shapes, blocks < 1, causal with S < T (ShapeError naming "flash_attention_forward").
    // Worked example: one key (S = 1): every out row is v_0 and logsumexp_t = q_t . k_0 / sqrt(Dh).
    throw NotImplemented("flash_attention_forward");
}

}  // namespace wb
