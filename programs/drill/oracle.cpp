// drill_oracle: the answer key of ./wb drill, computed by the framework itself (tools/drill.py asks it).
//
// One JSON object per line on stdin, one answer per line on stdout. Each answer comes from building the
// framework's own layer and asking it (its output_shape, its parameters, the matrix product its forward
// runs) or from its own convolution kernels, never from a second formula that could disagree with them.
// Layer constructors and shape inference do not call a chapter's kernels, so the learner's stubs are fine.
//
//   {"op": "conv", "in": [C, H, W], "out_channels": F, "kernel": k, "stride": s, "padding": p, "dilation": d}
//      -> {"shape": [F, OH, OW], "params": n, "macs": m}    (or {"error": "..."} when nothing fits)
//   {"op": "pool", "in": [C, H, W], "kernel": k, "stride": s}  -> {"shape": [C, OH, OW]}
//   {"op": "dense", "in": I, "out": O}                     -> {"params": n}
//   {"op": "lstm", "in": I, "hidden": H}                   -> {"params": n, "second_bias": b}
//   {"op": "rnn", "in": I, "hidden": H}                    -> {"params": n, "second_bias": b}
//   {"op": "gru", "in": I, "hidden": H}                    -> {"params": n}
//   {"op": "mha", "embed": E, "heads": h}                  -> {"params": n}
//   {"op": "decoder_block", "width": D, "heads": Hq, "kv_heads": Hkv, "hidden": F} -> {"params": n}
//   {"op": "gpt", "vocab": V, "width": D, "layers": L, "heads": Hq, "kv_heads": Hkv, "hidden": F} -> {"params": n}
//   {"op": "receptive_field", "layers": [{"kernel", "stride", "dilation"}, ...]} -> {"field": r}
//   {"op": "transposed_conv", "length": h, "kernel": k, "stride": s, "padding": p, "output_padding": o}
//      -> {"length": H}: the transposed convolution is the adjoint of a convolution, so H is the smallest input
//      length whose convolution (the framework's Conv2D shape inference) gives h, plus output_padding
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "framework/conv_kernels.hpp"
#include "framework/errors.hpp"
#include "framework/layers.hpp"
#include "framework/random.hpp"
#include "layers/attention_layers.hpp"
#include "layers/cnn_layers.hpp"
#include "layers/rnn_layers.hpp"
#include "layers/transformer_layers.hpp"

using namespace wb;
using nlohmann::json;

namespace {

std::size_t parameters_of(Layer& layer) {
    std::size_t n = 0;
    for (const Param& p : layer.params()) n += p.value->size();
    return n;
}

json conv(const json& q) {
    const std::vector<int> in = q.at("in");
    const int F = q.at("out_channels"), k = q.at("kernel");
    const Conv2dParams p{q.value("stride", 1), q.value("padding", 0), q.value("dilation", 1)};
    if (in.size() != 3 || in[0] < 1 || in[1] < 1 || in[2] < 1 || F < 1 || k < 1 || p.stride < 1 || p.padding < 0 ||
        p.dilation < 1)
        return {{"error", "sizes, kernel, stride and dilation must be positive and padding not negative"}};
    Rng rng(0);
    Conv2D layer(in[0], F, k, rng, p);
    const Shape out = layer.output_shape({1, in[0], in[1], in[2]});
    const int span = p.dilation * (k - 1) + 1;
    if (in[1] + 2 * p.padding < span || in[2] + 2 * p.padding < span)
        return {{"error", "the dilated kernel spans " + std::to_string(span) + " inputs, more than the padded input (" +
                              std::to_string(in[1] + 2 * p.padding) + "): no output position fits"}};
    // the forward pass is one matrix product per image: (F, C k k) x (C k k, OH OW)
    const long macs = static_cast<long>(F) * (in[0] * k * k) * (out[2] * out[3]);
    return {{"shape", {out[1], out[2], out[3]}}, {"params", parameters_of(layer)}, {"macs", macs}};
}

json pool(const json& q) {
    const std::vector<int> in = q.at("in");
    const int k = q.at("kernel"), s = q.value("stride", k);
    if (in.size() != 3 || k < 1 || s < 1 || in[1] < k || in[2] < k)
        return {{"error", "the window must be positive and fit in the input"}};
    MaxPool2D layer(k, s);
    const Shape out = layer.output_shape({1, in[0], in[1], in[2]});
    return {{"shape", {out[1], out[2], out[3]}}};
}

// The input positions one output position depends on, along one axis, found with the framework's own
// im2col adjoint: a mask of the output is spread back through every layer's kernel taps.
json receptive_field(const json& q) {
    std::vector<ConvShape> shapes;
    int length = 4096;  // long enough that the field never meets a border
    for (const json& l : q.at("layers")) {
        const int k = l.at("kernel"), s = l.value("stride", 1), d = l.value("dilation", 1);
        if (k < 1 || s < 1 || d < 1) return {{"error", "kernel, stride and dilation must be positive"}};
        ConvShape c{1, length, 1, k, 1, s, 0, d, 0, 1};
        c.OH = (length - d * (k - 1) - 1) / s + 1;
        if (c.OH < 1) return {{"error", "the stack shrinks the input to nothing"}};
        shapes.push_back(c);
        length = c.OH;
    }
    std::vector<float> mask(static_cast<std::size_t>(length), 0.0f);
    mask[static_cast<std::size_t>(length / 2)] = 1.0f;
    for (auto it = shapes.rbegin(); it != shapes.rend(); ++it) {
        // cols (k, OH): every tap of every marked output position
        std::vector<float> cols(static_cast<std::size_t>(it->KH) * it->OH);
        for (int u = 0; u < it->KH; ++u)
            for (int i = 0; i < it->OH; ++i) cols[static_cast<std::size_t>(u) * it->OH + i] = mask[static_cast<std::size_t>(i)];
        std::vector<float> input(static_cast<std::size_t>(it->H), 0.0f);
        col2im_image_add(cols.data(), *it, input.data());
        mask = std::move(input);
    }
    const auto first = std::find_if(mask.begin(), mask.end(), [](float v) { return v != 0.0f; });
    const auto last = std::find_if(mask.rbegin(), mask.rend(), [](float v) { return v != 0.0f; });
    return {{"field", static_cast<long>(mask.rend() - last) - static_cast<long>(first - mask.begin())}};
}

json transposed_conv(const json& q) {
    const int h = q.at("length"), k = q.at("kernel"), s = q.value("stride", 1), p = q.value("padding", 0),
              o = q.value("output_padding", 0);
    if (h < 1 || k < 1 || s < 1 || p < 0 || o < 0 || o >= s)
        return {{"error", "length, kernel and stride must be positive, padding >= 0, 0 <= output_padding < stride"}};
    Rng rng(0);
    Conv2D conv(1, 1, k, rng, Conv2dParams{s, p, 1});
    for (int H = 1; H <= h * s + k + 2 * p + 1; ++H) {
        if (H + 2 * p < k) continue;  // no window fits: the convolution has no output
        if (conv.output_shape({1, 1, H, 1})[2] != h) continue;
        // the lengths that convolve to h are s consecutive ones; when the first would be below 1 the padding
        // eats more than the kernel covers, and PyTorch's formula leaves the range (no such question)
        if (conv.output_shape({1, 1, H + s - 1, 1})[2] != h) break;
        return {{"length", H + o}};
    }
    return {{"error", "no input length convolves to " + std::to_string(h) + " (the padding is larger than the kernel covers)"}};
}

json answer(const json& q) {
    const std::string op = q.at("op");
    Rng rng(0);
    if (op == "conv") return conv(q);
    if (op == "pool") return pool(q);
    if (op == "receptive_field") return receptive_field(q);
    if (op == "transposed_conv") return transposed_conv(q);
    if (op == "dense") {
        Dense layer(q.at("in"), q.at("out"), rng);
        return {{"params", parameters_of(layer)}};
    }
    if (op == "lstm") {  // PyTorch's layout: b_ih and b_hh; Keras keeps one bias vector
        Lstm layer(q.at("in"), q.at("hidden"), rng);
        return {{"params", parameters_of(layer)}, {"second_bias", layer.weights.b_hh.size()}};
    }
    if (op == "rnn") {
        ElmanRnn layer(q.at("in"), q.at("hidden"), rng);
        return {{"params", parameters_of(layer)}, {"second_bias", layer.weights.b_hh.size()}};
    }
    if (op == "gru") {
        Gru layer(q.at("in"), q.at("hidden"), rng);
        return {{"params", parameters_of(layer)}};
    }
    if (op == "mha") {
        const int E = q.at("embed"), heads = q.at("heads");
        if (heads < 1 || E % heads != 0) return {{"error", "the embedding must split evenly into the heads"}};
        SelfAttention layer(E, heads, rng);
        return {{"params", parameters_of(layer)}};
    }
    if (op == "decoder_block" || op == "gpt") {  // Llama's layout (layers/transformer_layers): no biases
        GptConfig c;
        c.vocab = q.value("vocab", 1);
        c.width = q.at("width");
        c.layers = q.value("layers", 1);
        c.heads = q.at("heads");
        c.kv_heads = q.at("kv_heads");
        c.hidden = q.at("hidden");
        if (op == "decoder_block") {
            DecoderBlock block(c.width, c.heads, c.kv_heads, c.hidden, 1, rng);
            return {{"params", parameters_of(block)}};
        }
        Gpt gpt(c, rng);
        return {{"params", parameters_of(gpt)}};
    }
    return {{"error", "unknown op " + op}};
}

}  // namespace

int main() {
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.empty()) continue;
        json reply;
        try {
            reply = answer(json::parse(line));
        } catch (const std::exception& e) {
            reply = {{"error", e.what()}};
        }
        std::cout << reply.dump() << "\n" << std::flush;
    }
    return 0;
}
