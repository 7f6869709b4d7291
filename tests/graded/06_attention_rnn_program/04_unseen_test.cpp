// Unseen-input tests of chapter 06 (course mode only): sizes, values and seeds drawn for each run from its
// secret, matched against the reference's values on the same inputs (tests/harness/graded.hpp,
// UNSEEN_TEST). A table of the handout's fixed cases cannot pass them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <tuple>
#include <utility>

#include "chapters/06_attention_rnn_program/attention_layer.hpp"
#include "chapters/06_attention_rnn_program/models.hpp"
#include "chapters/06_attention_rnn_program/recall.hpp"
#include "tests/graded/06_attention_rnn_program/common.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using wb::grading::between;
using attention_rnn_test::layer_with;

namespace {

/// The largest score x_t . (W x_{T-1}) / sqrt(H) of a batch x (N, T, H), signed, computed here.
float largest_score(const Tensor& x, const Tensor& w) {
    const int N = x.dim(0), T = x.dim(1), H = x.dim(2);
    double largest = -INFINITY;
    for (int n = 0; n < N; ++n)
        for (int t = 0; t < T; ++t) {
            double e = 0.0;
            for (int i = 0; i < H; ++i)
                for (int j = 0; j < H; ++j) e += static_cast<double>(x(n, t, i)) * w(i, j) * x(n, T - 1, j);
            largest = std::max(largest, e / std::sqrt(static_cast<double>(H)));
        }
    return static_cast<float>(largest);
}
}  // namespace

UNSEEN_TEST(MarkedRecall, DrawnSizesAndSeed) {
    const int N = between(rng, 2, 8), T = between(rng, 2, 16);
    const std::uint64_t seed = rng.below(1 << 30);
    // the whole batch: x, labels and positions, as the contract's draw order makes them from the seed
    const auto batch = [&] {
        Rng data(seed);
        return make_marked_recall(N, T, data);
    };
    EXPECT_MATCHES_REFERENCE(batch(), tol::kExact);
}

UNSEEN_TEST(LastStateAttention, DrawnStatesAndWeight) {
    const int N = between(rng, 1, 4), T = between(rng, 2, 7), H = between(rng, 2, 6);
    const Tensor x = Tensor::randn({N, T, H}, rng);
    const Tensor w = Tensor::randn({H, H}, rng);
    const Tensor dout = Tensor::randn({N, 2 * H}, rng);
    // the attention weights (N, T) and y = [context, query] (N, 2H)
    const auto forward = [&] {
        LastStateAttention layer = layer_with(w);
        const Tensor y = layer.forward(x);
        return std::pair{layer.attention_weights(), y};
    };
    EXPECT_MATCHES_REFERENCE(forward(), tol::kForward);
    // dx and weight_grad of a second backward (which must not add to the first's weight_grad)
    const auto backward = [&] {
        LastStateAttention layer = layer_with(w);
        layer.forward(x);
        layer.backward(dout);
        const Tensor dx = layer.backward(dout);
        return std::pair{dx, layer.weight_grad};
    };
    EXPECT_MATCHES_REFERENCE(backward(), tol::kBackward);
}

UNSEEN_TEST(LastStateAttention, DrawnScoresBeyondExpsRange) {
    const int N = between(rng, 1, 3), T = between(rng, 1, 6), H = between(rng, 2, 5);
    Tensor x = Tensor::randn({N, T, H}, rng);
    Tensor w = Tensor::randn({H, H}, rng, 0.3f);
    for (int i = 0; i < H; ++i) w(i, i) += 2.0f;  // W near 2 I: the query scores itself high
    // Scores grow as the square of the states: scale them so that the largest score is a drawn value past
    // log(FLT_MAX) = 88.72, where an unshifted exp overflows.
    const float target = rng.uniform(95.0f, 120.0f), largest = largest_score(x, w);
    if (largest > 0.0f)
        for (float& v : x) v *= std::sqrt(target / largest);
    // the attention weights only: y adds up states this large, and two correct sums in different orders can
    // differ there by more than tol::kForward
    const auto weights = [&] {
        LastStateAttention layer = layer_with(w);
        layer.forward(x);
        return layer.attention_weights();
    };
    EXPECT_MATCHES_REFERENCE(weights(), tol::kForward);
}

UNSEEN_TEST(AttentionRnnModels, DrawnSizes) {
    const int F = between(rng, 1, 12), H = between(rng, 1, 10), C = between(rng, 2, 10);
    const int N = between(rng, 1, 4), T = between(rng, 1, 8);
    const std::uint64_t seed = rng.below(1 << 30);
    const Tensor x = Tensor::randn({N, T, F}, rng);
    // the plain LSTM's logits shape and parameter count
    const auto plain = [&] {
        Rng init(seed);
        Sequential model = build_plain_lstm(F, H, C, init);
        return std::pair{model.forward(x).shape(), model.parameter_count()};
    };
    EXPECT_MATCHES_REFERENCE(plain(), tol::kExact);
    // the attention RNN's logits shape, parameter count, layer count, whether its second layer is a
    // LastStateAttention, and that layer's weights' shape
    const auto attention = [&] {
        Rng init(seed);
        Sequential model = build_attention_rnn(F, H, C, init);
        const Shape out = model.forward(x).shape();
        const auto* layer = model.size() == 3 ? dynamic_cast<const LastStateAttention*>(&model.layer(1)) : nullptr;
        return std::tuple{out, model.parameter_count(), model.size(), layer != nullptr,
                          layer ? layer->attention_weights().shape() : Shape{}};
    };
    EXPECT_MATCHES_REFERENCE(attention(), tol::kExact);
}
