// Graded tests for exercise AttentionRnnModels: the two models' layers, and what training shows about them.
#include "chapters/06_attention_rnn_program/attention_layer.hpp"
#include "chapters/06_attention_rnn_program/models.hpp"
#include "chapters/06_attention_rnn_program/recall.hpp"
#include "framework/losses.hpp"
#include "framework/optim.hpp"
#include "tests/harness/graded.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <utility>

using namespace wb;

namespace models_test {

// Accuracy of logits (N, C) against labels (N): the argmax, the first one on ties.
double accuracy(const Tensor& logits, const Tensor& labels) {
    int right = 0;
    for (int n = 0; n < logits.dim(0); ++n) {
        int best = 0;
        for (int k = 1; k < logits.dim(1); ++k) best = logits(n, k) > logits(n, best) ? k : best;
        right += best == static_cast<int>(labels[n]);
    }
    return static_cast<double>(right) / logits.dim(0);
}

// The marked-recall task drawn as recall.hpp specifies, written here so that this test does not depend on
// exercise MarkedRecall: x (N, T, 11), labels and positions (N).
RecallBatch recall_batch(int n, int length, Rng& rng) {
    RecallBatch b{Tensor({n, length, kRecallFeatures}), Tensor({n}), Tensor({n})};
    std::vector<int> digits(static_cast<std::size_t>(length));
    for (int i = 0; i < n; ++i) {
        for (int t = 0; t < length; ++t) b.x(i, t, digits[t] = static_cast<int>(rng.below(kDigits))) = 1.0f;
        const int mark = static_cast<int>(rng.below(static_cast<std::uint64_t>(length)));
        b.x(i, mark, kDigits) = 1.0f;
        b.labels[i] = static_cast<float>(digits[mark]), b.positions[i] = static_cast<float>(mark);
    }
    return b;
}

// Trains on fresh batches of the marked-recall task: `steps` Adam steps (lr 1e-2) on batches of 32.
[[maybe_unused]] void train(Sequential& model, int length, int steps, std::uint64_t seed) {
    Rng data(seed);
    Adam adam(1e-2f);
    for (int s = 0; s < steps; ++s) {
        const RecallBatch b = recall_batch(32, length, data);
        const LossResult l = softmax_cross_entropy_loss(model.forward(b.x), b.labels);
        model.backward(l.grad);
        adam.step(model.params());
    }
}

}  // namespace models_test

GRADED_TEST(AttentionRnnModels, PlainLstmIsTheSourcesModelWithAHead, 1,
            "Lstm(F -> H, RecurrentOutput::last), then Dense(H -> C): logits (N, C), 4H(F + H) + 8H + (H + 1)C "
            "parameters.") {
    const auto [out_shape, parameters] = LEARNER([] {
        Rng rng(1);
        Sequential model = build_plain_lstm(11, 8, 10, rng);
        return std::pair{model.forward(Tensor({3, 7, 11})).shape(), model.parameter_count()};
    }());
    EXPECT_EQ(out_shape, (Shape{3, 10}));
    EXPECT_EQ(parameters, static_cast<std::size_t>(4 * 8 * (11 + 8) + 8 * 8 + (8 + 1) * 10));
}

GRADED_TEST(AttentionRnnModels, AttentionRnnHasItsAttentionLayer, 1,
            "Lstm(F -> H, RecurrentOutput::sequence), LastStateAttention(H), Dense(2H -> C): logits (N, C), "
            "4H(F + H) + 8H + H^2 + (2H + 1)C parameters, and the attention layer's weights are (N, T).") {
    // {output shape, parameters, layers, whether layer 1 is a LastStateAttention, its weights' shape}
    const auto [out_shape, parameters, layers, is_attention, weights_shape] = LEARNER([] {
        Rng rng(1);
        Sequential model = build_attention_rnn(11, 8, 10, rng);
        const Shape out = model.forward(Tensor({3, 7, 11}, 0.5f)).shape();
        const auto* attention = model.size() == 3 ? dynamic_cast<const LastStateAttention*>(&model.layer(1)) : nullptr;
        return std::tuple{out, model.parameter_count(), model.size(), attention != nullptr,
                          attention ? attention->attention_weights().shape() : Shape{}};
    }());
    EXPECT_EQ(out_shape, (Shape{3, 10}));
    EXPECT_EQ(parameters, static_cast<std::size_t>(4 * 8 * (11 + 8) + 8 * 8 + 8 * 8 + (2 * 8 + 1) * 10));
    ASSERT_EQ(layers, 3u);
    ASSERT_TRUE(is_attention) << "the second layer should be your LastStateAttention";
    EXPECT_EQ(weights_shape, (Shape{3, 7}));
}

GRADED_TEST(AttentionRnnModels, AFarAwayStepReachesTheOutput, 1,
            "Before any training, change the digit at step 0 of a 100-step sequence: through the attention, the "
            "attention RNN's logits move; through 99 LSTM steps alone, the plain model's do not (the change "
            "shrinks at every step). The attention must read every state, the first one too.") {
    const int length = 100;
    Rng data(3);
    const RecallBatch b = models_test::recall_batch(8, length, data);
    Tensor changed = b.x;
    for (int n = 0; n < 8; ++n) {
        int digit = 0;
        while (changed(n, 0, digit) == 0.0f) ++digit;
        changed(n, 0, digit) = 0.0f, changed(n, 0, (digit + 5) % kDigits) = 1.0f;
    }
    // Each untrained model's logits on the batch and on the changed batch.
    const auto [attention_before, attention_after, plain_before, plain_after] = LEARNER([&] {
        Rng init_a(4), init_p(4);
        Sequential attention = build_attention_rnn(kRecallFeatures, 16, kDigits, init_a);
        Sequential plain = build_plain_lstm(kRecallFeatures, 16, kDigits, init_p);
        return std::tuple{attention.forward(b.x), attention.forward(changed), plain.forward(b.x), plain.forward(changed)};
    }());
    auto largest_change = [](const Tensor& before, const Tensor& after) {
        float most = before.shape() == after.shape() ? 0.0f : INFINITY;
        for (std::size_t i = 0; i < before.size() && i < after.size(); ++i) most = std::max(most, std::fabs(after[i] - before[i]));
        return most;
    };
    const float through_attention = largest_change(attention_before, attention_after);
    const float through_lstm = largest_change(plain_before, plain_after);
    EXPECT_GT(through_attention, 1e-4f) << "the attention RNN's logits should move when step 0 changes";
    EXPECT_LT(through_lstm, 1e-6f) << "the plain LSTM's should not (a check of this test's premise)";
    EXPECT_GT(through_attention, 1000.0f * through_lstm);
}

GRADED_TEST(AttentionRnnModels, AttentionLearnsWhatThePlainLstmCannot, 3,
            "Trained the same way (700 steps of 32 sequences of 100 steps; the attention RNN gets up to three seeds), "
            "the attention RNN recalls the marked digit by looking at the mark or after it, the plain LSTM does not "
            "yet, and changing the marked digit far back changes the answer to it.") {
    // ./wb run 06 --hidden 16 --lengths 100 --steps 800 --seeds 8 trains this setup from eight seeds: the attention
    // model reached 0.99 within 500-700 steps in all eight, the plain LSTM was at 0.10-0.68 after 800. Whether a
    // run takes the attention's path or learns to latch the digit in the LSTM first depends on the float details
    // of its first steps (a debug build of the reference took the second path), so the attention model gets up
    // to three tries, seeds 1, 2 and 3 of that command; the first that reaches 0.9 by attending is examined below.
    const int length = 100, steps = 700;
    Rng test_rng(7);
    const RecallBatch test = models_test::recall_batch(500, length, test_rng);
    // the test batch with the marked digit changed, in sequences whose mark is at least 20 steps back
    Tensor changed = test.x;
    std::vector<int> rows, new_digits;
    for (int n = 0; n < 500; ++n) {
        const int p = static_cast<int>(test.positions[n]), old_digit = static_cast<int>(test.labels[n]);
        if (p > length - 20) continue;
        const int digit = (old_digit + 3) % kDigits;
        changed(n, p, old_digit) = 0.0f, changed(n, p, digit) = 1.0f;
        rows.push_back(n), new_digits.push_back(digit);
    }
    // where the trained attention looks: the states before the mark cannot know the digit, so the weight
    // must sit on the marked step or after it (an LSTM state after the mark can carry the digit on)
    auto weight_from_mark_on = [&](const Tensor& weights) {
        if (weights.shape() != Shape{500, length}) return 0.0;
        double total = 0;
        for (int n = 0; n < 500; ++n)
            for (int t = static_cast<int>(test.positions[n]); t < length; ++t) total += weights(n, t) / 500;
        return total;
    };
    double with_attention = 0, from_mark_on = 0;
    Tensor changed_logits;
    std::string tries;
    for (int seed = 1; seed <= 3 && (with_attention < 0.9 || from_mark_on < 0.8); ++seed) {
        // one try, trained with the learner's models: logits and attention weights on the test batch, logits
        // on the changed batch
        const auto [logits, weights, on_changed] = LEARNER([&] {
            Rng init(5 + seed);
            Sequential attention = build_attention_rnn(kRecallFeatures, 16, kDigits, init);
            models_test::train(attention, length, steps, 1000 + length + 7919 * seed);
            const Tensor out = attention.forward(test.x);
            const Tensor w = dynamic_cast<const LastStateAttention&>(attention.layer(1)).attention_weights();
            return std::tuple{out, w, attention.forward(changed)};
        }());
        ASSERT_EQ(logits.shape(), (Shape{500, kDigits}));
        with_attention = models_test::accuracy(logits, test.labels), from_mark_on = weight_from_mark_on(weights);
        changed_logits = on_changed;
        tries += (tries.empty() ? "" : "; ") + std::to_string(with_attention) + " with " + std::to_string(from_mark_on) +
                 " of the weight from the mark on";
    }
    const Tensor plain_logits = LEARNER([&] {
        Rng init_p(6);  // seed 1's
        Sequential plain = build_plain_lstm(kRecallFeatures, 16, kDigits, init_p);
        models_test::train(plain, length, steps, 1000 + length + 7919);
        return plain.forward(test.x);
    }());
    ASSERT_EQ(plain_logits.shape(), (Shape{500, kDigits}));
    const double without = models_test::accuracy(plain_logits, test.labels);
    EXPECT_GE(with_attention, 0.9) << "the attention RNN's test accuracy (tries: " << tries << ")";
    EXPECT_GE(from_mark_on, 0.8) << "mean attention weight on the marked step and the steps after it (tries: " << tries
                                 << ")";
    EXPECT_LE(without, with_attention - 0.25) << "the plain LSTM should be far behind after the same training";

    // the answers to the changed sequences should follow the changed digit
    ASSERT_EQ(changed_logits.shape(), (Shape{500, kDigits}));
    const Tensor& logits = changed_logits;
    int follows = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        int best = 0;
        for (int k = 1; k < kDigits; ++k) best = logits(rows[i], k) > logits(rows[i], best) ? k : best;
        follows += best == new_digits[i];
    }
    EXPECT_GE(follows, 0.9 * static_cast<double>(rows.size())) << follows << " of " << rows.size()
                                                                  << " answers followed the changed digit";
}
