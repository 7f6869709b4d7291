#include "layers/transformer_layers.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "chapters/09_transformer/norms.hpp"
#include "chapters/09_transformer/rope.hpp"
#include "framework/linalg.hpp"

namespace wb {
namespace {

/// x (M, in) times W^T, W (out, in): (M, out), as torch.nn.Linear without bias.
Tensor linear(const Tensor& x, const Tensor& w) {
    Tensor y = Tensor::uninitialized({x.dim(0), w.dim(0)});
    gemm(false, true, x.dim(0), w.dim(0), x.dim(1), 1.0f, x.data(), w.data(), 0.0f, y.data());
    return y;
}

/// The backward of linear: dx = dy W (M, in), and dW = dy^T x (out, in) written into dw.
Tensor linear_backward(const Tensor& dy, const Tensor& x, const Tensor& w, Tensor& dw) {
    dw = Tensor::uninitialized(w.shape());
    gemm(true, false, w.dim(0), w.dim(1), x.dim(0), 1.0f, dy.data(), x.data(), 0.0f, dw.data());
    Tensor dx = Tensor::uninitialized({x.dim(0), w.dim(1)});
    gemm(false, false, x.dim(0), w.dim(1), w.dim(0), 1.0f, dy.data(), w.data(), 0.0f, dx.data());
    return dx;
}

/// (N*T, H*Dh) rows -> (N, H, T, Dh) heads.
Tensor split_heads(const Tensor& x, int N, int T, int H, int Dh) {
    Tensor y = Tensor::uninitialized({N, H, T, Dh});
    for (int n = 0; n < N; ++n)
        for (int t = 0; t < T; ++t)
            for (int h = 0; h < H; ++h)
                for (int d = 0; d < Dh; ++d) y(n, h, t, d) = x(n * T + t, h * Dh + d);
    return y;
}

/// (N, H, T, Dh) heads -> (N*T, H*Dh) rows, the inverse of split_heads.
Tensor merge_heads(const Tensor& x) {
    const int N = x.dim(0), H = x.dim(1), T = x.dim(2), Dh = x.dim(3);
    Tensor y = Tensor::uninitialized({N * T, H * Dh});
    for (int n = 0; n < N; ++n)
        for (int t = 0; t < T; ++t)
            for (int h = 0; h < H; ++h)
                for (int d = 0; d < Dh; ++d) y(n * T + t, h * Dh + d) = x(n, h, t, d);
    return y;
}

void add_into(Tensor& sum, const Tensor& x) {
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += x[i];
}

}  // namespace

TokenEmbedding::TokenEmbedding(int vocab, int width, Rng& rng)
    : table(Tensor::randn({vocab, width}, rng, 0.02f)), table_grad({vocab, width}) {}

Tensor TokenEmbedding::forward(Tensor ids) {
    require_rank("TokenEmbedding::forward", "ids", ids, 2);
    const int N = ids.dim(0), T = ids.dim(1), V = table.dim(0), D = table.dim(1);
    Tensor y({N, T, D});
    for (int n = 0; n < N; ++n)
        for (int t = 0; t < T; ++t) {
            const int id = static_cast<int>(ids(n, t));
            if (id < 0 || id >= V)
                throw ShapeError("TokenEmbedding::forward: token id " + std::to_string(id) + " outside the vocabulary of " +
                                 std::to_string(V));
            for (int d = 0; d < D; ++d) y(n, t, d) = table(id, d);
        }
    ids_ = std::move(ids);
    return y;
}

Tensor TokenEmbedding::backward(Tensor dout) {
    // each row of the table collects the gradient of every position that used it
    table_grad.fill(0.0f);
    const int N = ids_.dim(0), T = ids_.dim(1), D = table.dim(1);
    for (int n = 0; n < N; ++n)
        for (int t = 0; t < T; ++t) {
            const int id = static_cast<int>(ids_(n, t));
            for (int d = 0; d < D; ++d) table_grad(id, d) += dout(n, t, d);
        }
    return Tensor();  // token ids have no gradient
}

RmsNormLayer::RmsNormLayer(int width, float eps_) : gain({width}, 1.0f), gain_grad({width}), eps(eps_) {}

Tensor RmsNormLayer::forward(Tensor x) {
    Tensor y = rms_norm_forward(x, gain, eps);
    x_ = std::move(x);
    return y;
}

Tensor RmsNormLayer::backward(Tensor dout) {
    NormGrads g = rms_norm_backward(dout, x_, gain, eps);
    gain_grad = std::move(g.dgain);
    return std::move(g.dx);
}

DecoderBlock::DecoderBlock(int width, int heads_, int kv_heads_, int hidden, int layers, Rng& rng)
    : heads(heads_), kv_heads(kv_heads_), head_dim(width / heads_) {
    if (heads < 1 || kv_heads < 1 || width % heads != 0 || heads % kv_heads != 0 || head_dim % 2 != 0)
        throw ShapeError("DecoderBlock: width " + std::to_string(width) + ", " + std::to_string(heads) + " heads and " +
                         std::to_string(kv_heads) + " kv heads: the heads must divide the width into an even head width, "
                         "and the kv heads must divide the heads");
    const int D = width, Q = heads * head_dim, KV = kv_heads * head_dim;
    const float residual = 0.02f / std::sqrt(2.0f * layers);  // GPT-2: projections into the residual stream
    weights = {Tensor({D}, 1.0f),
               Tensor::randn({Q, D}, rng, 0.02f),
               Tensor::randn({KV, D}, rng, 0.02f),
               Tensor::randn({KV, D}, rng, 0.02f),
               Tensor::randn({D, Q}, rng, residual),
               Tensor({D}, 1.0f),
               {Tensor::randn({hidden, D}, rng, 0.02f), Tensor::randn({hidden, D}, rng, 0.02f),
                Tensor::randn({D, hidden}, rng, residual)}};
    grads = {Tensor({D}), Tensor({Q, D}), Tensor({KV, D}), Tensor({KV, D}), Tensor({D, Q}), Tensor({D}),
             {Tensor({hidden, D}), Tensor({hidden, D}), Tensor({D, hidden})}};
}

Tensor DecoderBlock::forward(Tensor x) {
    require_rank("DecoderBlock::forward", "x", x, 3);
    const int N = x.dim(0), T = x.dim(1), D = x.dim(2), M = N * T;
    // attention half: h = x + W_o GQA(RoPE(q), RoPE(k), v), with q, k, v projected from a = RMSNorm(x)
    a_ = rms_norm_forward(x, weights.attention_norm).reshaped({M, D});
    q_rot_ = rope_forward(split_heads(linear(a_, weights.w_q), N, T, heads, head_dim));
    k_rot_ = rope_forward(split_heads(linear(a_, weights.w_k), N, T, kv_heads, head_dim));
    v_heads_ = split_heads(linear(a_, weights.w_v), N, T, kv_heads, head_dim);
    GqaResult attention = gqa_attention_forward(q_rot_, k_rot_, v_heads_);
    attention_cache_ = std::move(attention.cache);
    attended_ = merge_heads(attention.out);
    h_ = x;
    add_into(h_, linear(attended_, weights.w_o));
    // feed-forward half: y = h + SwiGLU(RMSNorm(h))
    b_ = rms_norm_forward(h_, weights.ffn_norm).reshaped({M, D});
    Tensor y = h_;
    add_into(y, swiglu_forward(b_, weights.ffn));
    x_ = std::move(x);
    return y;
}

Tensor DecoderBlock::backward(Tensor dout) {
    if (x_.rank() != 3)
        throw std::logic_error("DecoderBlock::backward: no forward to go back through (never run, or released)");
    const int N = x_.dim(0), T = x_.dim(1), D = x_.dim(2), M = N * T;
    const Tensor dy = dout.reshaped({M, D});
    // feed-forward half: dh = dy + RMSNorm'(SwiGLU'(dy))
    SwiGluGrads ffn = swiglu_backward(dy, b_, weights.ffn);
    grads.ffn = {std::move(ffn.dw_gate), std::move(ffn.dw_up), std::move(ffn.dw_down)};
    NormGrads ffn_norm = rms_norm_backward(std::move(ffn.dx).reshaped({N, T, D}), h_, weights.ffn_norm);
    grads.ffn_norm = std::move(ffn_norm.dgain);
    Tensor dh = std::move(dout);
    add_into(dh, ffn_norm.dx);
    // attention half: back through W_o, the attention, RoPE and the three projections
    const Tensor dattended = linear_backward(dh.reshaped({M, D}), attended_, weights.w_o, grads.w_o);
    GqaGrads attention = gqa_attention_backward(split_heads(dattended, N, T, heads, head_dim), attention_cache_);
    const Tensor dq = merge_heads(rope_backward(attention.dq)), dk = merge_heads(rope_backward(attention.dk));
    const Tensor dv = merge_heads(attention.dv);
    Tensor da = linear_backward(dq, a_, weights.w_q, grads.w_q);
    add_into(da, linear_backward(dk, a_, weights.w_k, grads.w_k));
    add_into(da, linear_backward(dv, a_, weights.w_v, grads.w_v));
    NormGrads attention_norm = rms_norm_backward(std::move(da).reshaped({N, T, D}), x_, weights.attention_norm);
    grads.attention_norm = std::move(attention_norm.dgain);
    add_into(dh, attention_norm.dx);
    return dh;
}

void DecoderBlock::release_activations() {
    x_ = a_ = q_rot_ = k_rot_ = v_heads_ = attended_ = h_ = b_ = Tensor();
    attention_cache_ = GqaCache();
}

Tensor DecoderBlock::forward_cached(const Tensor& x, KvCache& cache) {
    require_rank("DecoderBlock::forward_cached", "x", x, 3);
    const int N = x.dim(0), T = x.dim(1), D = x.dim(2), M = N * T;
    const int start = cache.length;  // the new positions are start .. start+T-1
    const Tensor a = rms_norm_forward(x, weights.attention_norm).reshaped({M, D});
    const Tensor q = rope_forward(split_heads(linear(a, weights.w_q), N, T, heads, head_dim), start);
    const Tensor k = rope_forward(split_heads(linear(a, weights.w_k), N, T, kv_heads, head_dim), start);
    const Tensor v = split_heads(linear(a, weights.w_v), N, T, kv_heads, head_dim);
    const Tensor attended = merge_heads(cached_attention(cache, q, k, v));
    Tensor h = x;
    add_into(h, linear(attended, weights.w_o));
    const Tensor b = rms_norm_forward(h, weights.ffn_norm).reshaped({M, D});
    Tensor y = h;
    add_into(y, swiglu_forward(b, weights.ffn));
    return y;
}

std::vector<Param> DecoderBlock::params() {
    return {{"block.attention_norm", &weights.attention_norm, &grads.attention_norm},
            {"block.w_q", &weights.w_q, &grads.w_q},
            {"block.w_k", &weights.w_k, &grads.w_k},
            {"block.w_v", &weights.w_v, &grads.w_v},
            {"block.w_o", &weights.w_o, &grads.w_o},
            {"block.ffn_norm", &weights.ffn_norm, &grads.ffn_norm},
            {"block.w_gate", &weights.ffn.w_gate, &grads.ffn.w_gate},
            {"block.w_up", &weights.ffn.w_up, &grads.ffn.w_up},
            {"block.w_down", &weights.ffn.w_down, &grads.ffn.w_down}};
}

Gpt::Gpt(const GptConfig& c, Rng& rng)
    : config(c), embedding(c.vocab, c.width, rng), final_norm(c.width) {
    if (c.vocab < 1 || c.layers < 1)
        throw ShapeError("Gpt: vocab " + std::to_string(c.vocab) + " and layers " + std::to_string(c.layers) +
                         " must be positive");
    for (int l = 0; l < c.layers; ++l)
        blocks.push_back(std::make_unique<DecoderBlock>(c.width, c.heads, c.kv_heads, c.hidden, c.layers, rng));
    head = Tensor::randn({c.vocab, c.width}, rng, 0.02f);
    head_grad = Tensor({c.vocab, c.width});
}

Tensor Gpt::forward(Tensor ids) {
    require_rank("Gpt::forward", "ids", ids, 2);
    const int N = ids.dim(0), T = ids.dim(1), D = config.width;
    Tensor x = embedding.forward(std::move(ids));
    if (block_stack_)
        x = block_stack_->forward(std::move(x));
    else
        for (auto& block : blocks) x = block->forward(std::move(x));
    normed_ = final_norm.forward(std::move(x)).reshaped({N * T, D});
    return linear(normed_, head).reshaped({N, T, config.vocab});
}

Tensor Gpt::backward(Tensor dlogits) {
    const int M = normed_.dim(0), D = config.width;
    const int N = dlogits.dim(0), T = dlogits.dim(1);
    Tensor dx = linear_backward(dlogits.reshaped({M, config.vocab}), normed_, head, head_grad);
    dx = final_norm.backward(dx.reshaped({N, T, D}));
    if (block_stack_)
        dx = block_stack_->backward(std::move(dx));
    else
        for (auto block = blocks.rbegin(); block != blocks.rend(); ++block) dx = (*block)->backward(std::move(dx));
    embedding.backward(std::move(dx));
    return Tensor();
}

void Gpt::release_activations() {
    embedding.release_activations();
    for (auto& block : blocks) block->release_activations();
    final_norm.release_activations();
    normed_ = Tensor();
}

std::vector<Param> Gpt::params() {
    std::vector<Param> all = embedding.params();
    for (std::size_t l = 0; l < blocks.size(); ++l)
        for (Param p : blocks[l]->params()) {
            p.name = "block" + std::to_string(l) + p.name.substr(std::string("block").size());
            all.push_back(p);
        }
    for (Param p : final_norm.params()) {
        p.name = "final_" + p.name;
        all.push_back(p);
    }
    all.push_back({"head", &head, &head_grad});
    return all;
}

std::vector<KvCache> Gpt::make_caches(int batch, int capacity) const {
    std::vector<KvCache> caches;
    for (const auto& block : blocks) caches.push_back(make_kv_cache(batch, block->kv_heads, capacity, block->head_dim));
    return caches;
}

Tensor Gpt::forward_cached(const Tensor& ids, std::vector<KvCache>& caches) {
    require_rank("Gpt::forward_cached", "ids", ids, 2);
    if (caches.size() != blocks.size())
        throw ShapeError("Gpt::forward_cached: " + std::to_string(caches.size()) + " caches for " +
                         std::to_string(blocks.size()) + " blocks (make_caches gives one per block)");
    const int N = ids.dim(0), T = ids.dim(1), D = config.width;
    Tensor x = embedding.forward(ids);
    for (std::size_t l = 0; l < blocks.size(); ++l) x = blocks[l]->forward_cached(x, caches[l]);
    const Tensor normed = rms_norm_forward(x, final_norm.gain, final_norm.eps).reshaped({N * T, D});
    return linear(normed, head).reshaped({N, T, config.vocab});
}

}  // namespace wb
