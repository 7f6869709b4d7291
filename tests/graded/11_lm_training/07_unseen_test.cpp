// Unseen-input tests of chapter 11 (course mode only): inputs drawn for each run from its secret, matched against the
// reference's values on the same inputs (tests/harness/graded.hpp, UNSEEN_TEST).
#include <cmath>
#include <memory>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "chapters/11_lm_training/accumulation.hpp"
#include "chapters/11_lm_training/adamw.hpp"
#include "chapters/11_lm_training/bpe.hpp"
#include "chapters/11_lm_training/checkpointing.hpp"
#include "chapters/11_lm_training/cross_entropy.hpp"
#include "chapters/11_lm_training/lr_schedule.hpp"
#include "chapters/11_lm_training/mixed_precision.hpp"
#include "framework/layers.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using wb::grading::between;

UNSEEN_TEST(LrSchedule, DrawnSchedules) {
    const long W = between(rng, 0, 50), S = W + between(rng, 1, 500);
    const LrScheduleConfig config{1e-3 * (1.0 + rng.uniform01()), 1e-5 * rng.uniform01(), W, S};
    std::vector<long> steps;
    for (long s = 0; s < S + 5; s += 1 + between(rng, 0, 7)) steps.push_back(s);
    const auto rates = [&] {  // every chapter call inside the checked expression: the judge links no chapter code
        std::vector<double> out;
        for (long s : steps) out.push_back(learning_rate(s, config));
        return out;
    };
    EXPECT_MATCHES_REFERENCE(rates(), tol::kForward);
}

UNSEEN_TEST(AdamW, DrawnSteps) {
    const int n = between(rng, 1, 40), steps = between(rng, 1, 12);
    const Tensor start = Tensor::randn({n}, rng);
    std::vector<Tensor> grads;
    for (int k = 0; k < steps; ++k) grads.push_back(Tensor::randn({n}, rng));
    const AdamConfig config{0.001f + 0.05f * static_cast<float>(rng.uniform01()), 0.9f, 0.95f, 1e-8f,
                            0.2f * static_cast<float>(rng.uniform01())};
    const auto run = [&](bool decoupled) {
        Tensor param = start;
        AdamState state;
        for (const Tensor& g : grads) {
            if (decoupled) adamw_step(param, g, state, config);
            else adam_l2_step(param, g, state, config);
        }
        return param;
    };
    EXPECT_MATCHES_REFERENCE(run(true), tol::kForward);
    EXPECT_MATCHES_REFERENCE(run(false), tol::kForward);
}

UNSEEN_TEST(MixedPrecision, DrawnValues) {
    const int n = between(rng, 1, 200);
    Tensor x = Tensor::randn({n}, rng);
    for (float& v : x) v = std::ldexp(v, between(rng, -40, 12));  // finite in float16: the comparison counts inf as a difference
    const auto rounded = [&](bool bfloat16) {
        Tensor out(x.shape());
        for (std::size_t i = 0; i < x.size(); ++i) out[i] = bfloat16 ? to_bfloat16(x[i]) : to_float16(x[i]);
        return out;
    };
    EXPECT_MATCHES_REFERENCE(rounded(true), tol::kExact);
    EXPECT_MATCHES_REFERENCE(rounded(false), tol::kExact);
    const int interval = between(rng, 1, 4);
    std::vector<bool> overflow;
    for (int k = 0; k < 12; ++k) overflow.push_back(rng.uniform01() < 0.3);
    const auto scales = [&] {
        LossScaler scaler;
        scaler.growth_interval = interval;
        std::vector<double> trace;
        for (int k = 0; k < 12; ++k) {
            Tensor g({3}, 1.0f);
            if (overflow[static_cast<std::size_t>(k)]) g[1] = std::numeric_limits<float>::infinity();
            trace.push_back(update_loss_scale(scaler, {g}) ? 1.0 : 0.0);
            trace.push_back(scaler.scale);
        }
        return trace;
    };
    EXPECT_MATCHES_REFERENCE(scales(), tol::kExact);
}

UNSEEN_TEST(TokenCrossEntropy, DrawnBatches) {
    const int N = between(rng, 1, 12), V = between(rng, 2, 30);
    const Tensor logits = Tensor::randn({N, V}, rng);
    Tensor targets({N});
    for (int n = 0; n < N; ++n) targets[n] = rng.uniform01() < 0.2 ? -100.0f : static_cast<float>(between(rng, 0, V - 1));
    EXPECT_MATCHES_REFERENCE(next_token_loss(logits, targets, -100, 0.3f * static_cast<float>(rng.uniform01())), tol::kForward);
}

UNSEEN_TEST(GradientAccumulation, DrawnMicroBatches) {
    const int n = between(rng, 1, 20), k = between(rng, 1, 5);
    std::vector<int> counts;
    int total = 0;
    for (int i = 0; i < k; ++i) total += counts.emplace_back(between(rng, 0, 9));
    total += 1;  // a positive total with room for counts that do not add up to it
    std::vector<Tensor> grads;
    for (int i = 0; i < k; ++i) grads.push_back(Tensor::randn({n}, rng));
    const auto accumulated = [&] {
        Tensor sum({n});
        for (int i = 0; i < k; ++i) accumulate_gradient(sum, grads[static_cast<std::size_t>(i)], counts[static_cast<std::size_t>(i)], total);
        return sum;
    };
    EXPECT_MATCHES_REFERENCE(accumulated(), tol::kForward);
}

UNSEEN_TEST(BytePairEncoding, DrawnText) {
    const std::string alphabet = "ab c1\xe6\x98\x8e.";
    std::string corpus;
    const int length = between(rng, 20, 300);
    for (int i = 0; i < length; ++i) corpus.push_back(alphabet[static_cast<std::size_t>(between(rng, 0, 8))]);
    const int vocab = 256 + between(rng, 1, 40);
    const auto trained = [&] {
        const BpeTokenizer t = train_bpe(corpus, vocab);
        return std::make_pair(t.merges, bpe_encode(t, corpus.substr(0, static_cast<std::size_t>(length / 2))));
    };
    EXPECT_MATCHES_REFERENCE(trained(), tol::kExact);
    EXPECT_MATCHES_REFERENCE(bpe_chunks(corpus), tol::kExact);
}

UNSEEN_TEST(ActivationCheckpointing, DrawnStacks) {
    const int layers = between(rng, 1, 9), segment = between(rng, 1, 10), width = between(rng, 1, 8), batch = between(rng, 1, 4);
    const Tensor x = Tensor::randn({batch, width}, rng), dout = Tensor::randn({batch, width}, rng);
    const Rng weights_rng = rng;  // the same weights on both sides
    const auto run = [&] {
        Rng draw = weights_rng;
        std::vector<std::unique_ptr<Layer>> owned;
        for (int l = 0; l < layers; ++l) {
            if (l % 2 == 0)
                owned.push_back(std::make_unique<Dense>(width, width, draw));
            else
                owned.push_back(std::make_unique<Tanh>());
        }
        std::vector<Layer*> pointers;
        for (auto& layer : owned) pointers.push_back(layer.get());
        CheckpointedStack stack(pointers, segment);
        const Tensor y = stack.forward(x);
        const Tensor dx = stack.backward(dout);
        std::vector<Tensor> grads;
        for (auto& layer : owned)
            for (const Param& p : layer->params()) grads.push_back(*p.grad);
        return std::make_tuple(y, dx, grads);
    };
    EXPECT_MATCHES_REFERENCE(run(), tol::kExact);
}
