// Layers whose kernels are chapter 09 exercises: the token embedding, RMSNorm, and the pre-norm decoder block of a
// Llama-style GPT (RMSNorm, grouped-query causal attention with RoPE, SwiGLU, two residual additions). Built once per
// flavour, as cnn_layers: the learner's build trains on the learner's chapter 09 (and chapter 01) kernels.
#pragma once
#include "chapters/09_transformer/ffn.hpp"
#include "chapters/09_transformer/gqa.hpp"
#include "framework/layers.hpp"

namespace wb {

/// Token ids (N, T), held as floats, -> their rows of the table: (N, T, D), nn.Embedding. The table starts
/// N(0, 0.02) as GPT-2's. The ids get no gradient (backward returns an empty tensor); the table's gradient adds up
/// every row a token was used in.
class TokenEmbedding : public Layer {
public:
    TokenEmbedding(int vocab, int width, Rng& rng);
    std::string name() const override { return "TokenEmbedding"; }
    Tensor forward(Tensor ids) override;
    Tensor backward(Tensor dout) override;
    std::vector<Param> params() override { return {{"embedding.table", &table, &table_grad}}; }
    Shape output_shape(const Shape& input) const override { return {input[0], input[1], table.dim(1)}; }

    Tensor table, table_grad;  ///< (V, D)

private:
    Tensor ids_;
};

/// RMSNorm over the last axis (rms_norm_forward / rms_norm_backward): x (..., D) -> same shape. Gain starts at 1.
class RmsNormLayer : public Layer {
public:
    explicit RmsNormLayer(int width, float eps = 1e-6f);
    std::string name() const override { return "RMSNorm"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    std::vector<Param> params() override { return {{"norm.gain", &gain, &gain_grad}}; }

    Tensor gain, gain_grad;  ///< (D)
    float eps;

private:
    Tensor x_;
};

/// The weights of one decoder block, torch.nn.Linear's (out, in) layouts, no biases (Llama).
struct DecoderBlockWeights {
    Tensor attention_norm;  ///< (D) RMSNorm gain before attention
    Tensor w_q;             ///< (Hq * Dh, D)
    Tensor w_k;             ///< (Hkv * Dh, D)
    Tensor w_v;             ///< (Hkv * Dh, D)
    Tensor w_o;             ///< (D, Hq * Dh)
    Tensor ffn_norm;        ///< (D) RMSNorm gain before the feed-forward
    SwiGluWeights ffn;      ///< w_gate, w_up (F, D); w_down (D, F)
};

/// A pre-norm decoder block: x (N, T, D) ->
///   h = x + W_o GQA(RoPE(W_q a), RoPE(W_k a), W_v a),  a = RMSNorm(x)
///   y = h + SwiGLU(RMSNorm(h))
/// causal over T, heads of width Dh = D / Hq. Linear weights N(0, 0.02) as GPT-2; W_o and W_down scaled by
/// 1/sqrt(2 * layers), GPT-2's rule for the projections that write into the residual stream.
class DecoderBlock : public Layer {
public:
    DecoderBlock(int width, int heads, int kv_heads, int hidden, int layers, Rng& rng);
    std::string name() const override { return "DecoderBlock"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    std::vector<Param> params() override;

    int heads, kv_heads, head_dim;
    DecoderBlockWeights weights, grads;

private:
    // what backward needs from the last forward
    Tensor x_, a_, q_rot_, k_rot_, v_heads_, attended_, h_, b_;
    GqaCache attention_cache_;
};

}  // namespace wb
