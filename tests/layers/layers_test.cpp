// The layers of layers/ on the reference kernels: each layer is plumbing around chapter kernels that the
// graded tests check against PyTorch, so here each layer is checked against those kernels called by hand
// (the same bits), and for what only the layer does: which outputs it returns, which gradients it feeds
// in, the zero initial state, the parameters it registers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "chapters/01_attention/positional.hpp"
#include "chapters/09_transformer/ffn.hpp"
#include "chapters/09_transformer/gqa.hpp"
#include "chapters/09_transformer/norms.hpp"
#include "chapters/09_transformer/rope.hpp"
#include "framework/gradcheck.hpp"
#include "framework/layers.hpp"
#include "framework/linalg.hpp"
#include "framework/random.hpp"
#include "layers/attention_layers.hpp"
#include "layers/cnn_layers.hpp"
#include "layers/diffusion_layers.hpp"
#include "layers/gan_layers.hpp"
#include "layers/rnn_layers.hpp"
#include "layers/transformer_layers.hpp"

using namespace wb;

namespace {

void expect_same(const Tensor& got, const Tensor& expected, const char* what) {
    ASSERT_EQ(got.shape(), expected.shape()) << what;
    for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], expected[i]) << what << " at " << i;
}

/// dL/d(parameter p) by central differences of loss() (a double from the current parameter values); p is restored.
template <class Loss>
Tensor numeric_parameter_gradient(const Param& p, Loss&& loss) {
    const Tensor saved = *p.value;
    return numeric_gradient(
        [&](const Tensor& value) {
            *p.value = value;
            const double l = loss();
            *p.value = saved;
            return l;
        },
        saved);
}

}  // namespace

TEST(LstmLayer, ManyToManyIsTheSequenceKernelFromZeroState) {
    Rng rng(1);
    Lstm layer(3, 4, rng);
    const Tensor x = Tensor::randn({2, 5, 3}, rng), dout = Tensor::randn({2, 5, 4}, rng), zeros({2, 4});
    const LstmSequenceResult r = lstm_forward(x, zeros, zeros, layer.weights);
    expect_same(layer.forward(x), r.out, "out");
    const LstmSequenceGrads d = lstm_backward(dout, zeros, zeros, r.cache, layer.weights);
    expect_same(layer.backward(dout), d.dx, "dx");
    expect_same(layer.grads.dw_ih, d.dw.dw_ih, "dw_ih");
    expect_same(layer.grads.db_hh, d.dw.db_hh, "db_hh");
    EXPECT_EQ(layer.output_shape({2, 5, 3}), (Shape{2, 5, 4}));
}

TEST(LstmLayer, ManyToOneFeedsTheGradientIntoHn) {
    Rng rng(2);
    Lstm layer(3, 4, rng, Lstm::Output::last);
    const Tensor x = Tensor::randn({2, 5, 3}, rng), dh_n = Tensor::randn({2, 4}, rng), zeros({2, 4});
    const LstmSequenceResult r = lstm_forward(x, zeros, zeros, layer.weights);
    expect_same(layer.forward(x), r.h_n, "h_n");
    const LstmSequenceGrads d = lstm_backward(Tensor({2, 5, 4}), dh_n, zeros, r.cache, layer.weights);
    expect_same(layer.backward(dh_n), d.dx, "dx");
    expect_same(layer.grads.dw_hh, d.dw.dw_hh, "dw_hh");
    EXPECT_EQ(layer.output_shape({2, 5, 3}), (Shape{2, 4}));
}

TEST(LstmLayer, RegistersFourParametersInitialisedAsPyTorch) {
    Rng rng(3);
    Lstm layer(6, 16, rng);
    const std::vector<Param> params = layer.params();
    ASSERT_EQ(params.size(), 4u);
    EXPECT_EQ(params[0].value->shape(), (Shape{64, 6}));
    EXPECT_EQ(params[1].value->shape(), (Shape{64, 16}));
    for (const Param& p : params) {
        EXPECT_EQ(p.grad->shape(), p.value->shape()) << p.name;
        for (float v : *p.value) ASSERT_LE(std::abs(v), 0.25f) << p.name << ": U(-1/sqrt(16), 1/sqrt(16))";
    }
}

TEST(ElmanRnnLayer, RunsTheCellThroughTime) {
    Rng rng(4);
    ElmanRnn layer(3, 4, rng);
    const Tensor x = Tensor::randn({2, 5, 3}, rng), dout = Tensor::randn({2, 5, 4}, rng);
    const Tensor out = layer.forward(x);
    const Tensor dx = layer.backward(dout);
    // by hand: h_t = cell(x_t, h_{t-1}) from h = 0, then back through time adding dout[:, t]
    std::vector<RnnCellCache> caches;
    Tensor h({2, 4});
    for (int t = 0; t < 5; ++t) {
        Tensor x_t({2, 3});
        for (int n = 0; n < 2; ++n)
            for (int i = 0; i < 3; ++i) x_t(n, i) = x(n, t, i);
        RnnCellResult r = rnn_cell_forward(x_t, h, layer.weights);
        for (int n = 0; n < 2; ++n)
            for (int j = 0; j < 4; ++j) ASSERT_EQ(out(n, t, j), r.h(n, j)) << "t = " << t;
        h = r.h;
        caches.push_back(r.cache);
    }
    Tensor dh({2, 4}), dw_hh({4, 4});
    for (int t = 4; t >= 0; --t) {
        for (int n = 0; n < 2; ++n)
            for (int j = 0; j < 4; ++j) dh(n, j) += dout(n, t, j);
        const RnnCellGrads d = rnn_cell_backward(dh, caches[t], layer.weights);
        for (int n = 0; n < 2; ++n)
            for (int i = 0; i < 3; ++i) ASSERT_EQ(dx(n, t, i), d.dx(n, i)) << "t = " << t;
        for (std::size_t k = 0; k < dw_hh.size(); ++k) dw_hh[k] += d.dw.dw_hh[k];
        dh = d.dh_prev;
    }
    expect_same(layer.grads.dw_hh, dw_hh, "dw_hh summed over the steps");
}

TEST(ElmanRnnLayer, ManyToOneAndRepeatedBackwardDoNotAccumulate) {
    Rng rng(5);
    ElmanRnn layer(2, 3, rng, ElmanRnn::Output::last);
    const Tensor x = Tensor::randn({4, 6, 2}, rng), dout = Tensor::randn({4, 3}, rng);
    const Tensor h = layer.forward(x);
    ASSERT_EQ(h.shape(), (Shape{4, 3}));
    layer.backward(dout);
    const Tensor first = layer.grads.dw_ih;
    layer.forward(x);
    layer.backward(dout);
    expect_same(layer.grads.dw_ih, first, "a second backward overwrites the gradients");
}

TEST(GruLayer, RunsTheCellThroughTimeAndRegistersThreeBlocks) {
    Rng rng(8);
    Gru layer(3, 4, rng);
    const Tensor x = Tensor::randn({2, 5, 3}, rng), dout = Tensor::randn({2, 5, 4}, rng);
    const Tensor out = layer.forward(x);
    Tensor h({2, 4});
    std::vector<GruCellCache> caches;
    for (int t = 0; t < 5; ++t) {
        Tensor x_t({2, 3});
        for (int n = 0; n < 2; ++n)
            for (int i = 0; i < 3; ++i) x_t(n, i) = x(n, t, i);
        GruCellResult r = gru_cell_forward(x_t, h, layer.weights);
        for (int n = 0; n < 2; ++n)
            for (int j = 0; j < 4; ++j) ASSERT_EQ(out(n, t, j), r.h(n, j)) << "t = " << t;
        h = r.h;
        caches.push_back(r.cache);
    }
    // the last step alone: dout flows only into h_{T-1}
    Tensor dh({2, 4});
    for (int n = 0; n < 2; ++n)
        for (int j = 0; j < 4; ++j) dh(n, j) = dout(n, 4, j);
    Tensor dout_last({2, 5, 4});
    for (int n = 0; n < 2; ++n)
        for (int j = 0; j < 4; ++j) dout_last(n, 4, j) = dout(n, 4, j);
    const Tensor dx = layer.backward(dout_last);
    const GruCellGrads last = gru_cell_backward(dh, caches[4], layer.weights);
    for (int n = 0; n < 2; ++n)
        for (int i = 0; i < 3; ++i) ASSERT_EQ(dx(n, 4, i), last.dx(n, i));
    std::size_t count = 0;
    const std::vector<Param> params = layer.params();
    ASSERT_EQ(params.size(), 4u);
    EXPECT_EQ(params[0].grad, &layer.grads.dw_ih);  // each weight with its own gradient
    EXPECT_EQ(params[1].grad, &layer.grads.dw_hh);
    EXPECT_EQ(params[2].grad, &layer.grads.db_ih);
    EXPECT_EQ(params[3].grad, &layer.grads.db_hh);
    for (const Param& p : params) count += p.value->size();
    EXPECT_EQ(count, 3u * 4 * (3 + 4) + 6u * 4) << "3H(I + H) + 6H, PyTorch's count";
    Gru last_only(3, 4, rng, Gru::Output::last);
    EXPECT_EQ(last_only.forward(x).shape(), (Shape{2, 4}));
    EXPECT_EQ(last_only.output_shape({2, 5, 3}), (Shape{2, 4}));
}

TEST(SelfAttentionLayer, InputGradientSumsQueryKeyAndValue) {
    Rng rng(6);
    SelfAttention layer(8, 2, rng);
    const Tensor x = Tensor::randn({2, 5, 8}, rng), dout = Tensor::randn({2, 5, 8}, rng);
    const MultiHeadResult r = multihead_forward(x, x, x, layer.weights);
    expect_same(layer.forward(x), r.out, "out");
    EXPECT_EQ(layer.last_weights.shape(), (Shape{2, 2, 5, 5}));
    const MultiHeadGrads g = multihead_backward(dout, r.cache, layer.weights);
    const Tensor dx = layer.backward(dout);
    for (std::size_t i = 0; i < dx.size(); ++i) ASSERT_FLOAT_EQ(dx[i], g.dquery[i] + g.dkey[i] + g.dvalue[i]);
    EXPECT_EQ(layer.params().size(), 8u);
}

TEST(AddPositionsLayer, AddsTheSinusoidsAndPassesTheGradient) {
    AddPositions layer;
    const Tensor y = layer.forward(Tensor({2, 3, 4}));
    const Tensor pe = sinusoidal_positions(3, 4);
    for (int n = 0; n < 2; ++n)
        for (int t = 0; t < 3; ++t)
            for (int e = 0; e < 4; ++e) ASSERT_EQ(y(n, t, e), pe(t, e));
    Rng rng(7);
    const Tensor dout = Tensor::randn({2, 3, 4}, rng);
    expect_same(layer.backward(dout), dout, "dx");
}

// The fused convolution + ReLU + max pool's backward summed its bias gradient with wb::sum out of a
// std::vector, whose address set the order of the adds: a GAN run with one seed parted from itself after
// its first epoch. Blocks of every size mod 64 bytes allocated in between must not change a bit.
TEST(Conv2DReluPoolLayer, SameGradientBitsWhereverTheHeapPutsItsBuffers) {
    Rng rng(9);
    const Tensor x = Tensor::randn({16, 1, 28, 28}, rng), dout = Tensor::randn({16, 64, 13, 13}, rng);
    auto gradients = [&] {
        Rng init(10);
        Sequential model;
        model.add<Conv2D>(1, 64, 3, init);
        model.add<ReLU>();
        model.add<MaxPool2D>(2);
        EXPECT_EQ(fuse_conv_relu_pool(model), 1);
        model.forward(x);
        model.backward(dout);
        std::vector<Tensor> grads;
        for (const Param& p : model.params()) grads.push_back(*p.grad);
        return grads;
    };
    const std::vector<Tensor> first = gradients();
    std::vector<std::unique_ptr<std::vector<float>>> shifts;  // kept alive, so the next blocks land elsewhere
    for (int floats = 1; floats <= 16; ++floats) {
        shifts.push_back(std::make_unique<std::vector<float>>(static_cast<std::size_t>(floats) * 997));
        const std::vector<Tensor> again = gradients();
        ASSERT_EQ(again.size(), first.size());
        for (std::size_t k = 0; k < first.size(); ++k) expect_same(again[k], first[k], "a parameter's gradient");
    }
}

namespace {
/// dL/dx and dL/d(parameter) of a layer, for L = sum(layer(x) * upstream), against centred differences: the first
/// parameter, or every one with every_parameter.
void expect_layer_gradients_match_differences(Layer& layer, const Tensor& x, const Tensor& upstream,
                                              bool every_parameter = false) {
    const auto loss = [&](const Tensor& input) {
        const Tensor y = layer.forward(input);
        double s = 0.0;
        for (std::size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y[i]) * upstream[i];
        return s;
    };
    layer.forward(x);
    const Tensor dx = layer.backward(upstream);
    EXPECT_LT(relative_error(dx, numeric_gradient(loss, x), 1e-3), 1e-2) << "dx";
    std::vector<Param> params = layer.params();
    if (!every_parameter) params.resize(1);
    for (const Param& p : params) {
        const Tensor analytic = *p.grad;
        const Tensor numeric = numeric_parameter_gradient(p, [&] { return loss(x); });
        EXPECT_LT(relative_error(analytic, numeric, 1e-3), 1e-2) << p.name;
    }
}
}  // namespace

TEST(LinearAttentionLayer, GradientsMatchFiniteDifferences) {
    Rng rng(5);
    LinearAttention layer(4, 3, rng);
    EXPECT_EQ(layer.params().size(), 6u);  // query, key and value: weight and bias each
    const Tensor x = Tensor::randn({2, 5, 4}, rng), upstream = Tensor::randn({2, 5, 4}, rng);
    expect_layer_gradients_match_differences(layer, x, upstream);
}

TEST(GatedLinearRecurrenceLayer, GradientsMatchFiniteDifferencesAndTheStateIsCausal) {
    Rng rng(6);
    GatedLinearRecurrence layer(4, 3, rng);
    const Tensor x = Tensor::randn({2, 6, 4}, rng), upstream = Tensor::randn({2, 6, 3}, rng);
    EXPECT_EQ(layer.forward(x).shape(), (Shape{2, 6, 3}));
    expect_layer_gradients_match_differences(layer, x, upstream);
    // a change at the last position leaves every earlier state as it was
    Tensor later = x;
    for (int e = 0; e < 4; ++e) later(1, 5, e) += 1.0f;
    const Tensor before = layer.forward(x), after = layer.forward(later);
    for (int t = 0; t < 5; ++t)
        for (int s = 0; s < 3; ++s) EXPECT_EQ(after(1, t, s), before(1, t, s));
}

TEST(PixelShuffleLayer, IsTheChapterKernelBothWaysAndNamesItsShape) {
    Rng rng(9);
    const Tensor x = Tensor::randn({2, 8, 3, 3}, rng), dout = Tensor::randn({2, 2, 6, 6}, rng);
    PixelShuffle layer(2);
    expect_same(layer.forward(x), pixel_shuffle(x, 2), "forward");
    expect_same(layer.backward(dout), pixel_shuffle_backward(dout, 2), "backward");
    EXPECT_EQ(layer.output_shape({2, 8, 3, 3}), (Shape{2, 2, 6, 6}));
}


TEST(DecoderBlockLayer, IsTheChapterKernelsComposedByHand) {
    Rng rng(11);
    DecoderBlock block(8, 4, 2, 12, 2, rng);
    const Tensor x = Tensor::randn({2, 3, 8}, rng);
    const DecoderBlockWeights& w = block.weights;
    // a = RMSNorm(x); q, k, v per head, RoPE on q and k; causal GQA; W_o; residual; then the SwiGLU half
    const Tensor a = rms_norm_forward(x, w.attention_norm).reshaped({6, 8});
    const auto heads = [](const Tensor& rows, int H) {  // (6, H * 2) -> (2, H, 3, 2)
        Tensor out({2, H, 3, 2});
        for (int n = 0; n < 2; ++n)
            for (int t = 0; t < 3; ++t)
                for (int h = 0; h < H; ++h)
                    for (int d = 0; d < 2; ++d) out(n, h, t, d) = rows(n * 3 + t, h * 2 + d);
        return out;
    };
    const auto times_t = [](const Tensor& m, const Tensor& weight) {  // m W^T
        Tensor out({m.dim(0), weight.dim(0)});
        gemm(false, true, m.dim(0), weight.dim(0), m.dim(1), 1.0f, m.data(), weight.data(), 0.0f, out.data());
        return out;
    };
    const Tensor q = rope_forward(heads(times_t(a, w.w_q), 4)), k = rope_forward(heads(times_t(a, w.w_k), 2));
    const Tensor v = heads(times_t(a, w.w_v), 2);
    const Tensor o = gqa_attention_forward(q, k, v).out;  // (2, 4, 3, 2)
    Tensor merged({6, 8});
    for (int n = 0; n < 2; ++n)
        for (int t = 0; t < 3; ++t)
            for (int h = 0; h < 4; ++h)
                for (int d = 0; d < 2; ++d) merged(n * 3 + t, h * 2 + d) = o(n, h, t, d);
    Tensor h = times_t(merged, w.w_o).reshaped({2, 3, 8});
    for (std::size_t i = 0; i < h.size(); ++i) h[i] += x[i];
    Tensor y = swiglu_forward(rms_norm_forward(h, w.ffn_norm).reshaped({6, 8}), w.ffn).reshaped({2, 3, 8});
    for (std::size_t i = 0; i < y.size(); ++i) y[i] += h[i];
    const Tensor got = block.forward(x);
    ASSERT_EQ(got.shape(), y.shape());
    for (std::size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(got[i], y[i], 1e-6f) << i;
    EXPECT_EQ(block.params().size(), 9u);
}

TEST(DecoderBlockLayer, EveryGradientMatchesFiniteDifferences) {
    Rng rng(12);
    DecoderBlock block(8, 4, 2, 12, 2, rng);
    for (const Param& p : block.params())  // weights of order 1, so that the differences see every path
        if (p.name.find("norm") == std::string::npos) *p.value = Tensor::randn(p.value->shape(), rng, 0.4f);
    const Tensor x = Tensor::randn({2, 4, 8}, rng), upstream = Tensor::randn({2, 4, 8}, rng);
    expect_layer_gradients_match_differences(block, x, upstream, true);
}

TEST(DecoderBlockLayer, IsCausal) {
    Rng rng(13);
    DecoderBlock block(8, 2, 1, 12, 1, rng);
    const Tensor x = Tensor::randn({1, 5, 8}, rng);
    Tensor later = x;
    for (int e = 0; e < 8; ++e) later(0, 4, e) += 1.0f;
    const Tensor before = block.forward(x), after = block.forward(later);
    for (int t = 0; t < 4; ++t)
        for (int e = 0; e < 8; ++e) EXPECT_EQ(after(0, t, e), before(0, t, e)) << "position " << t;
    EXPECT_NE(after(0, 4, 0), before(0, 4, 0));
}

TEST(TokenEmbeddingLayer, LooksUpRowsAndAddsUpTheirGradients) {
    Rng rng(14);
    TokenEmbedding embedding(5, 3, rng);
    const Tensor ids({1, 3}, {2, 4, 2});
    const Tensor y = embedding.forward(ids);
    for (int d = 0; d < 3; ++d) {
        EXPECT_EQ(y(0, 0, d), embedding.table(2, d));
        EXPECT_EQ(y(0, 1, d), embedding.table(4, d));
    }
    const Tensor dx = embedding.backward(Tensor({1, 3, 3}, 1.0f));
    EXPECT_EQ(dx.size(), 0u);
    EXPECT_EQ(embedding.table_grad(2, 0), 2.0f) << "token 2 appears twice";
    EXPECT_EQ(embedding.table_grad(4, 1), 1.0f);
    EXPECT_EQ(embedding.table_grad(0, 2), 0.0f);
    EXPECT_THROW(embedding.forward(Tensor({1, 1}, 5.0f)), ShapeError);
}

TEST(RmsNormLayer, IsTheChapterKernelBothWays) {
    Rng rng(15);
    RmsNormLayer norm(4);
    norm.gain = Tensor::randn({4}, rng, 0.3f, 1.0f);
    const Tensor x = Tensor::randn({2, 3, 4}, rng), dout = Tensor::randn({2, 3, 4}, rng);
    expect_same(norm.forward(x), rms_norm_forward(x, norm.gain, norm.eps), "y");
    const NormGrads g = rms_norm_backward(dout, x, norm.gain, norm.eps);
    expect_same(norm.backward(dout), g.dx, "dx");
    expect_same(norm.gain_grad, g.dgain, "dgain");
}

namespace {
GptConfig tiny_gpt(int heads, int kv_heads) {
    GptConfig c;
    c.vocab = 7;
    c.width = 8;
    c.layers = 2;
    c.heads = heads;
    c.kv_heads = kv_heads;
    c.hidden = 12;
    return c;
}
}  // namespace

// The blocks' gradients are checked against differences above (DecoderBlockLayer); here the GPT's own parameters are,
// and every block's gradient must be what that block's backward gives for the gradient the layers above sent it.
TEST(GptLayer, GradientsMatchDifferencesAndTheBlocksComposedByHand) {
    Rng rng(16);
    Gpt gpt(tiny_gpt(4, 2), rng);
    for (const Param& p : gpt.params())  // weights of order 1, so that the differences see every path
        if (p.name.find("norm") == std::string::npos) *p.value = Tensor::randn(p.value->shape(), rng, 0.4f);
    const Tensor ids({2, 3}, {1, 6, 0, 3, 3, 5}), upstream = Tensor::randn({2, 3, 7}, rng);
    const auto loss = [&] {
        const Tensor logits = gpt.forward(ids);
        double s = 0.0;
        for (std::size_t i = 0; i < logits.size(); ++i) s += static_cast<double>(logits[i]) * upstream[i];
        return s;
    };
    gpt.forward(ids);
    EXPECT_EQ(gpt.backward(upstream).size(), 0u) << "token ids have no gradient";
    const std::vector<Param> params = gpt.params();
    ASSERT_EQ(params.size(), 1u + 2u * 9u + 1u + 1u);  // embedding, 2 blocks of 9, final norm, head
    for (const Param& p : params) {
        if (p.name != "head" && p.name != "final_norm.gain") continue;  // the deeper ones: by hand below
        const Tensor analytic = *p.grad;
        const Tensor numeric = numeric_parameter_gradient(p, loss);
        EXPECT_LT(relative_error(analytic, numeric, 1e-3), 1e-2) << p.name;
    }
    // by hand: the head's input gradient, back through the final norm and the blocks, gives block 0's and the
    // embedding's gradients (a difference quotient through two blocks is too noisy in float)
    std::vector<Tensor> deep_grads;
    for (const Param& p : gpt.blocks[0]->params()) deep_grads.push_back(*p.grad);
    deep_grads.push_back(gpt.embedding.table_grad);
    Tensor x = gpt.embedding.forward(ids);
    const Tensor x1 = gpt.blocks[0]->forward(x);
    const Tensor x2 = gpt.blocks[1]->forward(x1);
    Tensor dnormed({2, 3, 8});
    for (int n = 0; n < 2; ++n)
        for (int t = 0; t < 3; ++t)
            for (int d = 0; d < 8; ++d)
                for (int v = 0; v < 7; ++v) dnormed(n, t, d) += upstream(n, t, v) * gpt.head(v, d);
    const Tensor dx2 = rms_norm_backward(dnormed, x2, gpt.final_norm.gain, gpt.final_norm.eps).dx;
    gpt.embedding.backward(gpt.blocks[0]->backward(gpt.blocks[1]->backward(dx2)));
    std::vector<Param> by_hand = gpt.blocks[0]->params();
    by_hand.push_back(gpt.embedding.params()[0]);
    for (std::size_t k = 0; k < by_hand.size(); ++k)
        EXPECT_LT(relative_error(deep_grads[k], *by_hand[k].grad, 1e-3), 1e-4) << by_hand[k].name;
}

TEST(GptLayer, RunsItsBlocksThroughAnotherStackAndReleasesWhatItKept) {
    // A stack that runs the blocks in order and counts its calls: the GPT must route both passes through it.
    struct CountingStack : Layer {
        std::vector<DecoderBlock*> blocks;
        int forwards = 0, backwards = 0;
        std::string name() const override { return "CountingStack"; }
        Tensor forward(Tensor x) override {
            ++forwards;
            for (DecoderBlock* b : blocks) x = b->forward(std::move(x));
            return x;
        }
        Tensor backward(Tensor d) override {
            ++backwards;
            for (auto b = blocks.rbegin(); b != blocks.rend(); ++b) d = (*b)->backward(std::move(d));
            return d;
        }
    };
    const auto same_bits = [](const Tensor& a, const Tensor& b) {
        return a.shape() == b.shape() && std::equal(a.begin(), a.end(), b.begin());
    };
    Rng rng(18);
    Gpt gpt(tiny_gpt(4, 2), rng);
    const Tensor ids({2, 3}, {1, 6, 0, 3, 3, 5}), upstream = Tensor::randn({2, 3, 7}, rng);
    const Tensor plain = gpt.forward(ids);
    gpt.backward(upstream);
    std::vector<Tensor> plain_grads;
    for (const Param& p : gpt.params()) plain_grads.push_back(*p.grad);

    CountingStack stack;
    for (auto& block : gpt.blocks) stack.blocks.push_back(block.get());
    gpt.run_blocks_with(&stack);
    EXPECT_TRUE(same_bits(gpt.forward(ids), plain));
    gpt.backward(upstream);
    EXPECT_EQ(stack.forwards, 1);
    EXPECT_EQ(stack.backwards, 1);
    const std::vector<Param> params = gpt.params();
    for (std::size_t i = 0; i < params.size(); ++i) EXPECT_TRUE(same_bits(*params[i].grad, plain_grads[i])) << params[i].name;
    gpt.run_blocks_with(nullptr);

    // release_activations frees what the forward kept (the blocks' saved tensors among it)
    gpt.forward(ids);
    const std::size_t held = live_tensor_bytes();
    gpt.release_activations();
    EXPECT_LT(live_tensor_bytes(), held);
    EXPECT_THROW(gpt.blocks[0]->backward(Tensor({2, 3, 8})), std::logic_error) << "a released block needs a forward again";
}

TEST(GptLayer, CachedDecodingEqualsTheFullForwardForMhaGqaAndMqa) {
    for (const auto& [heads, kv_heads] : {std::pair{4, 4}, std::pair{4, 2}, std::pair{4, 1}}) {
        Rng rng(17);
        Gpt gpt(tiny_gpt(heads, kv_heads), rng);
        const Tensor ids({2, 6}, {1, 6, 0, 3, 3, 5, 2, 2, 4, 1, 0, 6});
        const Tensor full = gpt.forward(ids);
        std::vector<KvCache> caches = gpt.make_caches(2, 6);
        // prefill the first 3 positions, then decode the other 3 one by one
        Tensor prompt({2, 3});
        for (int n = 0; n < 2; ++n)
            for (int t = 0; t < 3; ++t) prompt(n, t) = ids(n, t);
        std::vector<Tensor> steps{gpt.forward_cached(prompt, caches)};
        for (int t = 3; t < 6; ++t) steps.push_back(gpt.forward_cached(Tensor({2, 1}, {ids(0, t), ids(1, t)}), caches));
        for (int t = 0; t < 6; ++t) {
            const Tensor& step = steps[t < 3 ? 0 : t - 2];
            const int at = t < 3 ? t : 0;
            for (int n = 0; n < 2; ++n)
                for (int v = 0; v < 7; ++v)
                    EXPECT_NEAR(step(n, at, v), full(n, t, v), 1e-5f) << heads << " heads, " << kv_heads
                                                                       << " kv heads, position " << t;
        }
        EXPECT_EQ(caches[1].length, 6);
        EXPECT_THROW(gpt.forward_cached(Tensor({2, 1}), caches), ShapeError) << "the cache is full";
    }
}

namespace {
UNetConfig tiny_unet() {
    UNetConfig c;
    c.channels = 2;
    c.total_steps = 10;
    c.classes = 3;
    return c;
}
}  // namespace

TEST(DenoisingUNetLayer, StartsAsZeroAndKeepsTheImageShape) {
    Rng rng(20);
    DenoisingUNet unet(tiny_unet(), rng);
    const Tensor x = Tensor::randn({2, 1, 8, 8}, rng);
    const Tensor y = unet.forward(x, Tensor({2}, {0, 9}), Tensor({2}, {1, 3}));
    ASSERT_EQ(y.shape(), x.shape());
    for (std::size_t i = 0; i < y.size(); ++i) EXPECT_EQ(y[i], 0.0f) << "conv_out starts at zero";
    EXPECT_THROW(unet.forward(Tensor({2, 1, 6, 8}), Tensor({2}), Tensor({2})), ShapeError) << "6 is not a multiple of 4";
    EXPECT_THROW(unet.forward(x, Tensor({2}), Tensor({2}, {0, 4})), ShapeError) << "label 4 > classes";
    EXPECT_THROW(unet.forward(x, Tensor({2}, {0, 10}), Tensor({2})), ShapeError) << "step 10 >= T";
}

TEST(DenoisingUNetLayer, EveryGradientMatchesFiniteDifferences) {
    Rng rng(21);
    DenoisingUNet unet(tiny_unet(), rng);
    for (const Param& p : unet.params()) *p.value = Tensor::randn(p.value->shape(), rng, 0.3f);
    const Tensor x = Tensor::randn({2, 1, 8, 8}, rng), upstream = Tensor::randn({2, 1, 8, 8}, rng);
    const Tensor steps({2}, {3, 7}), labels({2}, {0, 3});
    const auto loss = [&] {
        const Tensor y = unet.forward(x, steps, labels);
        double s = 0.0;
        for (std::size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y[i]) * upstream[i];
        return s;
    };
    unet.forward(x, steps, labels);
    unet.backward(upstream);
    for (const Param& p : unet.params()) {
        const Tensor analytic = *p.grad;
        const Tensor numeric = numeric_parameter_gradient(p, loss);
        // |analytic - numeric| / |numeric| over the whole tensor: through fourteen float convolutions the differences'
        // rounding swamps single small entries (an entrywise check fails on entries near zero while the norms agree to
        // 3e-3 at worst here); a wrong term moves the norm by far more
        double difference = 0.0, norm = 0.0;
        for (std::size_t i = 0; i < numeric.size(); ++i) {
            difference += (static_cast<double>(analytic[i]) - numeric[i]) * (static_cast<double>(analytic[i]) - numeric[i]);
            norm += static_cast<double>(numeric[i]) * numeric[i];
        }
        EXPECT_LT(std::sqrt(difference / norm), 1e-2) << p.name;
    }
}

TEST(DenoisingUNetLayer, TheStepAndTheLabelChangeTheOutput) {
    Rng rng(22);
    DenoisingUNet unet(tiny_unet(), rng);
    for (const Param& p : unet.params()) *p.value = Tensor::randn(p.value->shape(), rng, 0.3f);
    const Tensor x = Tensor::randn({1, 1, 8, 8}, rng);
    const Tensor base = unet.forward(x, Tensor({1}, {2}), Tensor({1}, {1}));
    const Tensor other_step = unet.forward(x, Tensor({1}, {5}), Tensor({1}, {1}));
    const Tensor other_label = unet.forward(x, Tensor({1}, {2}), Tensor({1}, {3}));
    EXPECT_GT(relative_error(other_step, base, 1e-3), 1e-3) << "the step";
    EXPECT_GT(relative_error(other_label, base, 1e-3), 1e-3) << "the label";
}

TEST(DenoisingUNetLayer, CountsTheConvolutionsArithmetic) {
    Rng rng(23);
    const DenoisingUNet tiny(tiny_unet(), rng);
    // width 2 on one 4 x 4 image: 16, 4 and 1 output pixels at the three resolutions; 2 x weights x pixels a forward:
    // conv_in 576, block1 2304, down1 576, block2 2304, down2 288, mid 576, up2 1152, merge2 2304, block3 2304,
    // up1 2304, merge1 2304, block4 2304, conv_out 576 = 19872; three times that, less conv_in's dX (576)
    EXPECT_DOUBLE_EQ(tiny.training_step_conv_flops(1, 4, 4), 59040.0);
    EXPECT_DOUBLE_EQ(tiny.training_step_conv_flops(3, 8, 4), 6 * 59040.0) << "linear in images and pixels";
    UNetConfig bench = tiny_unet();
    bench.channels = 16;
    bench.classes = 10;
    const DenoisingUNet wide(bench, rng);
    EXPECT_DOUBLE_EQ(wide.training_step_conv_flops(64, 28, 28), 11343790080.0) << "the benchmark's step, ./wb bench diffusion";
}
