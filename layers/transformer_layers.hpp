// Layers whose kernels are chapter 09 exercises: the token embedding, RMSNorm, and the pre-norm decoder block of a
// Llama-style GPT (RMSNorm, grouped-query causal attention with RoPE, SwiGLU, two residual additions). Built once per
// flavour, as cnn_layers: the learner's build trains on the learner's chapter 09 (and chapter 01) kernels.
#pragma once
#include "chapters/09_transformer/ffn.hpp"
#include "chapters/09_transformer/gqa.hpp"
#include "chapters/09_transformer/kv_cache.hpp"
#include "framework/layers.hpp"
#include "framework/random.hpp"

#include <memory>

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
    void release_activations() override { ids_ = Tensor(); }
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
    void release_activations() override { x_ = Tensor(); }

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
    void release_activations() override;

    /// Generation: x (B, T, D), the T positions after the cache.length cached ones -> (B, T, D), the same
    /// computation as forward at those positions (RoPE at cache.length .., attention through cached_attention), which
    /// appends their keys and values to `cache`. Keeps nothing for a backward.
    Tensor forward_cached(const Tensor& x, KvCache& cache);

    /// The attention weights of the last forward, (N*Hq, T, T): row t of head h says how much position t read
    /// each position of the prefix.
    const Tensor& attention_weights() const { return attention_cache_.attention.weights; }

    int heads, kv_heads, head_dim;
    DecoderBlockWeights weights, grads;

private:
    // what backward needs from the last forward
    Tensor x_, a_, q_rot_, k_rot_, v_heads_, attended_, h_, b_;
    GqaCache attention_cache_;
};

/// The sizes of a Gpt.
struct GptConfig {
    int vocab = 0;       ///< V, the token ids 0 .. V-1
    int width = 128;     ///< D, the residual stream
    int layers = 4;      ///< L decoder blocks
    int heads = 4;       ///< Hq query heads of D / Hq
    int kv_heads = 2;    ///< Hkv key/value heads (GQA; 1 is MQA, Hq is MHA)
    int hidden = 352;    ///< F, SwiGLU's hidden width (about 8/3 D, rounded up to a multiple of 32)
};

/// A small GPT, Llama's layout: ids (N, T) -> logits (N, T, V) =
///   RMSNorm(blocks(embedding(ids))) W_head^T
/// with L pre-norm DecoderBlocks and an untied head W_head (V, D), drawn N(0, 0.02). Causal: the logits at t see
/// ids 0 .. t only.
class Gpt : public Layer {
public:
    Gpt(const GptConfig& config, Rng& rng);
    std::string name() const override { return "GPT"; }
    Tensor forward(Tensor ids) override;
    /// dlogits (N, T, V) -> an empty tensor (the ids have no gradient); every parameter's gradient is set.
    Tensor backward(Tensor dlogits) override;
    std::vector<Param> params() override;
    Shape output_shape(const Shape& input) const override { return {input[0], input[1], config.vocab}; }
    void release_activations() override;

    /// Runs the blocks through `stack` (a Layer over exactly `blocks`, in order: chapter 11's activation
    /// checkpointing) instead of one after the other; nullptr goes back to the plain loop. Not owned.
    void run_blocks_with(Layer* stack) { block_stack_ = stack; }

    /// One empty KvCache per block, room for `capacity` positions of `batch` sequences.
    std::vector<KvCache> make_caches(int batch, int capacity) const;
    /// Generation: ids (B, T), the T tokens after the ones already cached -> their logits (B, T, V), equal to
    /// forward's at those positions. Prefill is one call with the prompt; each decode step, one call with T = 1.
    Tensor forward_cached(const Tensor& ids, std::vector<KvCache>& caches);

    GptConfig config;
    TokenEmbedding embedding;
    std::vector<std::unique_ptr<DecoderBlock>> blocks;
    RmsNormLayer final_norm;
    Tensor head, head_grad;  ///< (V, D)

private:
    Tensor normed_;  // (N*T, D), the head's input
    Layer* block_stack_ = nullptr;
};

}  // namespace wb
