// Reference: FlashAttention's forward, tile by tile with an online softmax.
#include "chapters/09_transformer/flash.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "framework/linalg.hpp"

namespace wb {

FlashResult flash_attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, bool causal, int block_q,
                                    int block_k) {
    const char* op = "flash_attention_forward";
    require_rank(op, "q", q, 4);
    const int B = q.dim(0), H = q.dim(1), T = q.dim(2), Dh = q.dim(3);
    require_rank(op, "k", k, 4);
    const int S = k.dim(2);
    require_shape(op, "k", k, {B, H, S, Dh});
    require_shape(op, "v", v, {B, H, S, Dh});
    if (block_q < 1 || block_k < 1) throw ShapeError(std::string(op) + ": block_q and block_k must be >= 1");
    if (causal && S < T) shape_mismatch(op, "q", q, "k", k, "causal attention needs S >= T (the queries are the last T positions)");
    const float scale = 1.0f / std::sqrt(static_cast<float>(Dh));
    const int offset = S - T;  // query t sits at position t + offset
    FlashResult r{Tensor({B, H, T, Dh}), Tensor({B, H, T})};
    std::vector<float> scores(static_cast<std::size_t>(block_q) * block_k);  // the only scores ever held
    std::vector<float> row_max(block_q), row_sum(block_q);
    for (int b = 0; b < B; ++b)
        for (int h = 0; h < H; ++h)
            for (int t0 = 0; t0 < T; t0 += block_q) {
                const int tq = std::min(block_q, T - t0);
                const float* q_tile = &q(b, h, t0, 0);
                float* acc = &r.out(b, h, t0, 0);  // a: the unnormalised output rows, accumulated in place
                std::fill(row_max.begin(), row_max.end(), -INFINITY);
                std::fill(row_sum.begin(), row_sum.end(), 0.0f);
                for (int s0 = 0; s0 < S; s0 += block_k) {
                    const int sk = std::min(block_k, S - s0);
                    if (causal && s0 > t0 + tq - 1 + offset) break;  // this tile and all later ones are above the diagonal
                    // scores tile (tq, sk) = q_tile k_tile^T / sqrt(Dh)
                    gemm(false, true, tq, sk, Dh, scale, q_tile, &k(b, h, s0, 0), 0.0f, scores.data());
                    for (int i = 0; i < tq; ++i) {
                        float* s = scores.data() + static_cast<std::size_t>(i) * sk;
                        const int last_allowed = causal ? t0 + i + offset : S - 1;  // key positions <= this are allowed
                        // m' = max(m, max_j s_j); l' = e^(m - m') l + sum_j e^(s_j - m'); a' = e^(m - m') a + ...
                        float tile_max = -INFINITY;
                        for (int j = 0; j < sk; ++j)
                            if (s0 + j <= last_allowed) tile_max = std::max(tile_max, s[j]);
                        if (tile_max == -INFINITY) {  // every key of this tile is masked for this row
                            std::fill(s, s + sk, 0.0f);
                            continue;
                        }
                        const float new_max = std::max(row_max[i], tile_max);
                        const float rescale = std::exp(row_max[i] - new_max);  // e^(-inf) = 0 on the first tile
                        float tile_sum = 0;
                        for (int j = 0; j < sk; ++j) {
                            s[j] = s0 + j <= last_allowed ? std::exp(s[j] - new_max) : 0.0f;
                            tile_sum += s[j];
                        }
                        row_sum[i] = rescale * row_sum[i] + tile_sum;
                        row_max[i] = new_max;
                        float* a = acc + static_cast<std::size_t>(i) * Dh;
                        for (int d = 0; d < Dh; ++d) a[d] *= rescale;
                    }
                    // a += p_tile v_tile: (tq, sk) x (sk, Dh)
                    gemm(false, false, tq, Dh, sk, 1.0f, scores.data(), &v(b, h, s0, 0), 1.0f, acc);
                }
                // o = a / l; logsumexp = m + log l
                for (int i = 0; i < tq; ++i) {
                    for (int d = 0; d < Dh; ++d) acc[static_cast<std::size_t>(i) * Dh + d] /= row_sum[i];
                    r.logsumexp(b, h, t0 + i) = row_max[i] + std::log(row_sum[i]);
                }
            }
    return r;
}

}  // namespace wb
