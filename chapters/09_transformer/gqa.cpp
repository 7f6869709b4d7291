// Exercises GqaForward and GqaBackward. Contracts and math: gqa.hpp. Grade: ./wb grade 09
#include "chapters/09_transformer/gqa.hpp"

namespace wb {

Mask causal_mask_bottom_right(int T, int S) {
    // TODO: a Mask of shape {T, S}: allowed[t * S + s] = 1 iff s <= t + (S - T). Reject T < 1 or T > S
    //       (ShapeError naming "causal_mask_bottom_right").
    // Worked example: T = 1, S = 3 -> [1, 1, 1] (the new token sees every cached one and itself);
    //       T = 2, S = 3 -> [1, 1, 0; 1, 1, 1].
    throw NotImplemented("causal_mask_bottom_right");
}

GqaResult gqa_attention_forward(const Tensor& q, const Tensor& k, const Tensor& v) {
    // TODO: q (B, Hq, T, Dh), k and v (B, Hkv, S, Dh); G = Hq / Hkv. Build k_rep, v_rep (B*Hq, S, Dh) where
    //       query head h of batch b gets kv head h / G of batch b. Then chapter 01's
    //       attention_forward(q.reshaped({B*Hq, T, Dh}), k_rep, v_rep, causal_mask_bottom_right(T, S));
    //       out reshaped to (B, Hq, T, Dh); cache = {that AttentionCache, Hkv}.
    //       Reject shape mismatches, Hkv not dividing Hq, S < T (ShapeError naming "gqa_attention_forward").
    // Worked example: Hq = 4, Hkv = 2: query heads 0, 1 read kv head 0; query heads 2, 3 read kv head 1.
    throw NotImplemented("gqa_attention_forward");
}

GqaGrads gqa_attention_backward(const Tensor& dout, const GqaCache& cache) {
    // TODO: chapter 01's attention_backward(dout.reshaped({B*Hq, T, Dh}), cache.attention); dq reshaped to
    //       (B, Hq, T, Dh); dk and dv (B, Hkv, S, Dh): kv head h / G accumulates (+=) the repeated head h's
    //       gradient. Reject dout that is not the forward output's shape (ShapeError naming "gqa_attention_backward").
    // Worked example: with Hkv = 1 (MQA), dk is the sum of all Hq heads' dk.
    throw NotImplemented("gqa_attention_backward");
}

}  // namespace wb
