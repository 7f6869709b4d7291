// Unseen-input tests of chapter 09 (course mode only): shapes and values drawn for each run from its secret,
// matched against the reference's values on the same inputs (tests/harness/graded.hpp, UNSEEN_TEST).
#include <algorithm>
#include <cmath>
#include <vector>

#include "chapters/09_transformer/ffn.hpp"
#include "chapters/09_transformer/flash.hpp"
#include "chapters/09_transformer/gqa.hpp"
#include "chapters/09_transformer/kv_cache.hpp"
#include "chapters/09_transformer/lora.hpp"
#include "chapters/09_transformer/norms.hpp"
#include "chapters/09_transformer/rope.hpp"
#include "chapters/09_transformer/sampling.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using wb::grading::between;

UNSEEN_TEST(LayerNorm, DrawnRows) {
    const int D = between(rng, 2, 12);
    const Tensor x = Tensor::randn({between(rng, 1, 3), between(rng, 1, 5), D}, rng, 2.0f, 1.0f);
    const Tensor gain = Tensor::randn({D}, rng, 0.5f, 1.0f), bias = Tensor::randn({D}, rng, 0.5f), dout = Tensor::randn(x.shape(), rng);
    EXPECT_MATCHES_REFERENCE(layer_norm_forward(x, gain, bias), tol::kForward);
    EXPECT_MATCHES_REFERENCE(layer_norm_backward(dout, x, gain), tol::kBackward);
}

UNSEEN_TEST(RmsNorm, DrawnRows) {
    const int D = between(rng, 2, 12);
    const Tensor x = Tensor::randn({between(rng, 1, 6), D}, rng, 2.0f), gain = Tensor::randn({D}, rng, 0.5f, 1.0f);
    const Tensor dout = Tensor::randn(x.shape(), rng);
    EXPECT_MATCHES_REFERENCE(rms_norm_forward(x, gain), tol::kForward);
    EXPECT_MATCHES_REFERENCE(rms_norm_backward(dout, x, gain), tol::kBackward);
}

UNSEEN_TEST(Rope, DrawnHeadsAndPositions) {
    const Tensor x = Tensor::randn({between(rng, 1, 2), between(rng, 1, 3), between(rng, 1, 6), 2 * between(rng, 1, 6)}, rng);
    const int start = between(rng, 0, 300);
    EXPECT_MATCHES_REFERENCE(rope_forward(x, start), tol::kForward);
    EXPECT_MATCHES_REFERENCE(rope_backward(x, start), tol::kForward);
}

UNSEEN_TEST(GqaForward, DrawnGroups) {
    const int Hkv = between(rng, 1, 3), Hq = Hkv * between(rng, 1, 3), T = between(rng, 1, 5), S = T + between(rng, 0, 3);
    const int B = between(rng, 1, 2), Dh = between(rng, 2, 6);
    const Tensor q = Tensor::randn({B, Hq, T, Dh}, rng), k = Tensor::randn({B, Hkv, S, Dh}, rng), v = Tensor::randn({B, Hkv, S, Dh}, rng);
    EXPECT_MATCHES_REFERENCE(gqa_attention_forward(q, k, v).out, tol::kForward);
}

UNSEEN_TEST(GqaBackward, DrawnGroups) {
    const int Hkv = between(rng, 1, 3), Hq = Hkv * between(rng, 1, 3), T = between(rng, 1, 5), S = T + between(rng, 0, 3);
    const int Dh = between(rng, 2, 6);
    const Tensor q = Tensor::randn({1, Hq, T, Dh}, rng), k = Tensor::randn({1, Hkv, S, Dh}, rng), v = Tensor::randn({1, Hkv, S, Dh}, rng);
    const Tensor dout = Tensor::randn({1, Hq, T, Dh}, rng);
    EXPECT_MATCHES_REFERENCE(gqa_attention_backward(dout, gqa_attention_forward(q, k, v).cache), tol::kBackward);
}

UNSEEN_TEST(KvCache, DrawnPromptAndSteps) {
    const int Hkv = between(rng, 1, 2), Hq = Hkv * between(rng, 1, 3), Dh = 2 * between(rng, 1, 4);
    const int prompt = between(rng, 1, 4), steps = between(rng, 1, 4);
    const Tensor q = Tensor::randn({1, Hq, prompt + steps, Dh}, rng), k = Tensor::randn({1, Hkv, prompt + steps, Dh}, rng);
    const Tensor v = Tensor::randn({1, Hkv, prompt + steps, Dh}, rng);
    // the last decode step's output, after a prefill and steps - 1 earlier steps
    EXPECT_MATCHES_REFERENCE(([&] {
                                 KvCache cache = make_kv_cache(1, Hkv, prompt + steps, Dh);
                                 Tensor out;
                                 for (int begin = 0; begin < prompt + steps;) {
                                     const int end = begin == 0 ? prompt : begin + 1;
                                     const auto span = [&](const Tensor& x) {
                                         Tensor part({1, x.dim(1), end - begin, Dh});
                                         for (int h = 0; h < x.dim(1); ++h)
                                             for (int t = begin; t < end; ++t)
                                                 for (int d = 0; d < Dh; ++d) part(0, h, t - begin, d) = x(0, h, t, d);
                                         return part;
                                     };
                                     out = cached_attention(cache, span(q), span(k), span(v));
                                     begin = end;
                                 }
                                 return out;
                             }()),
                             tol::kForward);
}

UNSEEN_TEST(KvCacheBytes, DrawnConfigurations) {
    const int layers = between(rng, 1, 100), batch = between(rng, 1, 64), heads = between(rng, 1, 64);
    const int head_dim = 64 * between(rng, 1, 4), tokens = between(rng, 0, 131072), bytes = between(rng, 1, 4);
    EXPECT_MATCHES_REFERENCE(kv_cache_bytes(layers, batch, heads, head_dim, tokens, bytes), tol::kExact);
}

UNSEEN_TEST(Sampling, DrawnLogits) {
    const Tensor z = Tensor::randn({between(rng, 2, 30)}, rng, 3.0f);
    const float u = static_cast<float>(rng.below(1000)) / 1000.0f;
    EXPECT_MATCHES_REFERENCE(sample_greedy(z), tol::kExact);
    const float temperature = 0.2f + static_cast<float>(rng.below(20)) / 10.0f;
    EXPECT_MATCHES_REFERENCE(sample_temperature(z, temperature, u), tol::kForward);
}

UNSEEN_TEST(TopKTopP, DrawnLogits) {
    const Tensor z = Tensor::randn({between(rng, 2, 30)}, rng, 3.0f);
    const float u = static_cast<float>(rng.below(1000)) / 1000.0f;
    const int k = between(rng, 1, 35);
    const float top_p = 0.05f + static_cast<float>(rng.below(95)) / 100.0f;
    EXPECT_MATCHES_REFERENCE(sample_top_k(z, k, 1.0f, u), tol::kForward);
    EXPECT_MATCHES_REFERENCE(sample_top_p(z, top_p, 1.0f, u), tol::kForward);
}

UNSEEN_TEST(BeamSearch, DrawnBigramModel) {
    const int V = between(rng, 3, 7);
    Tensor table = Tensor::randn({V, V}, rng, 1.5f);
    for (int r = 0; r < V; ++r) {  // log-softmax each row
        double top = table(r, 0), sum = 0;
        for (int c = 1; c < V; ++c) top = std::max(top, static_cast<double>(table(r, c)));
        for (int c = 0; c < V; ++c) sum += std::exp(table(r, c) - top);
        for (int c = 0; c < V; ++c) table(r, c) = static_cast<float>(table(r, c) - top - std::log(sum));
    }
    const NextTokenLogProbs next = [table, V](const std::vector<int>& prefix) {
        Tensor row({V});
        for (int c = 0; c < V; ++c) row[c] = table(prefix.back(), c);
        return row;
    };
    const int width = between(rng, 1, 4), steps = between(rng, 1, 6);
    EXPECT_MATCHES_REFERENCE(beam_search(next, {0}, width, steps, V - 1, 1.0f), tol::kForward);
}

UNSEEN_TEST(SwiGlu, DrawnSizes) {
    const int N = between(rng, 1, 5), D = between(rng, 1, 8), F = between(rng, 1, 12);
    const SwiGluWeights w{Tensor::randn({F, D}, rng, 0.5f), Tensor::randn({F, D}, rng, 0.5f), Tensor::randn({D, F}, rng, 0.5f)};
    const Tensor x = Tensor::randn({N, D}, rng), dout = Tensor::randn({N, D}, rng);
    EXPECT_MATCHES_REFERENCE(swiglu_forward(x, w), tol::kForward);
    EXPECT_MATCHES_REFERENCE(swiglu_backward(dout, x, w), tol::kBackward);
}

UNSEEN_TEST(GeluTanh, DrawnValues) {
    const Tensor x = Tensor::randn({between(rng, 1, 4), between(rng, 1, 9)}, rng, 3.0f), dout = Tensor::randn(x.shape(), rng);
    EXPECT_MATCHES_REFERENCE(gelu_tanh_forward(x), tol::kForward);
    EXPECT_MATCHES_REFERENCE(gelu_tanh_backward(dout, x), tol::kBackward);
}

UNSEEN_TEST(FlashForward, DrawnTiles) {
    const int T = between(rng, 1, 12), S = T + between(rng, 0, 5), Dh = between(rng, 1, 6);
    const Tensor q = Tensor::randn({1, between(rng, 1, 2), T, Dh}, rng);
    const Tensor k = Tensor::randn({1, q.dim(1), S, Dh}, rng), v = Tensor::randn({1, q.dim(1), S, Dh}, rng);
    const bool causal = rng.below(2) == 0;
    const int block_q = between(rng, 1, 6), block_k = between(rng, 1, 6);
    EXPECT_MATCHES_REFERENCE(flash_attention_forward(q, k, v, causal, block_q, block_k), tol::kForward);
}

UNSEEN_TEST(Lora, DrawnAdapters) {
    const int N = between(rng, 1, 5), in = between(rng, 1, 8), out = between(rng, 1, 8), r = between(rng, 1, 4);
    const LoraWeights w{Tensor::randn({out, in}, rng), Tensor::randn({r, in}, rng, 0.5f), Tensor::randn({out, r}, rng, 0.5f),
                        static_cast<float>(between(rng, 1, 32))};
    const Tensor x = Tensor::randn({N, in}, rng);
    EXPECT_MATCHES_REFERENCE(lora_forward(x, w), tol::kForward);
    EXPECT_MATCHES_REFERENCE(lora_merge(w), tol::kForward);
}

UNSEEN_TEST(LoraBackward, DrawnAdapters) {
    const int N = between(rng, 1, 5), in = between(rng, 1, 8), out = between(rng, 1, 8), r = between(rng, 1, 4);
    const LoraWeights w{Tensor::randn({out, in}, rng), Tensor::randn({r, in}, rng, 0.5f), Tensor::randn({out, r}, rng, 0.5f),
                        static_cast<float>(between(rng, 1, 32))};
    const Tensor x = Tensor::randn({N, in}, rng), dout = Tensor::randn({N, out}, rng);
    EXPECT_MATCHES_REFERENCE(lora_backward(dout, x, w), tol::kBackward);
}
