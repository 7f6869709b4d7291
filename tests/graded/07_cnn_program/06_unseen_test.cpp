// Unseen-input tests of chapter 07 (course mode only): batches, labels, models and seeds drawn for each run
// from its secret, matched against the reference's values on the same inputs (tests/harness/graded.hpp,
// UNSEEN_TEST). A table of the handout's fixed cases cannot pass them.
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "chapters/07_cnn_program/models.hpp"
#include "chapters/07_cnn_program/training.hpp"
#include "framework/layers.hpp"
#include "framework/losses.hpp"
#include "framework/optim.hpp"
#include "tests/harness/graded.hpp"
#include "tests/harness/sequential_views.hpp"

using namespace wb;
using wb::graded::layer_names;
using wb::grading::between;

namespace {
/// A drawn class in [0, classes), as a float label.
float drawn_label(Rng& rng, int classes) { return static_cast<float>(rng.below(static_cast<std::uint64_t>(classes))); }

/// The first largest entry of row n of scores (N, C), computed here.
int first_argmax(const Tensor& scores, int n) {
    int best = 0;
    for (int k = 1; k < scores.dim(1); ++k) best = scores(n, k) > scores(n, best) ? k : best;
    return best;
}

/// A small model of framework layers only (Dense, ReLU, then Sigmoid for one output), so that the training
/// test checks train_step alone.
Sequential small_model(int features, int hidden, int outputs, Rng& init) {
    Sequential m;
    m.add<Dense>(features, hidden, init);
    m.add<ReLU>();
    m.add<Dense>(hidden, outputs, init);
    if (outputs == 1) m.add<Sigmoid>();
    return m;
}

/// Every parameter's value, in the model's order.
std::vector<Tensor> parameter_values(Sequential& m) {
    std::vector<Tensor> values;
    for (const Param& p : m.params()) values.push_back(*p.value);
    return values;
}
}  // namespace

UNSEEN_TEST(BuildModels, DrawnBatches) {
    const int N = between(rng, 1, 4);
    const std::uint64_t seed = rng.below(1 << 30);
    const Tensor images = Tensor::uniform({N, 1, 28, 28}, rng, 0.0f, 1.0f);
    // the binary model's layers, parameter count, output shape, and whether every output is a probability in (0, 1)
    const auto binary = [&] {
        Rng init(seed);
        Sequential m = build_binary_model(init);
        const Tensor p = m.forward(images);
        bool probabilities = true;
        for (const float v : p) probabilities = probabilities && v > 0.0f && v < 1.0f;
        return std::tuple{layer_names(m), m.parameter_count(), p.shape(), probabilities};
    };
    EXPECT_MATCHES_REFERENCE(binary(), tol::kExact);
    // the ten-class model's layers, parameter count and logits' shape
    const auto ten_class = [&] {
        Rng init(seed);
        Sequential m = build_ten_class_model(init);
        return std::tuple{layer_names(m), m.parameter_count(), m.forward(images).shape()};
    };
    EXPECT_MATCHES_REFERENCE(ten_class(), tol::kExact);
}

UNSEEN_TEST(BinaryLabels, DrawnLabels) {
    // every class once, then more drawn classes, shuffled
    std::vector<float> values;
    for (int c = 0; c < 10; ++c) values.push_back(static_cast<float>(c));
    for (int extra = between(rng, 0, 20); extra > 0; --extra) values.push_back(drawn_label(rng, 10));
    for (std::size_t i = values.size() - 1; i > 0; --i) std::swap(values[i], values[rng.below(i + 1)]);
    const Tensor labels({static_cast<int>(values.size())}, values);
    EXPECT_MATCHES_REFERENCE(footwear_targets(labels), tol::kExact);
}

UNSEEN_TEST(TrainStep, DrawnModelsAndBatches) {
    const int N = between(rng, 2, 8), F = between(rng, 2, 6), hidden = between(rng, 2, 6), C = between(rng, 2, 5);
    const std::uint64_t seed = rng.below(1 << 30);
    const Tensor x = Tensor::randn({N, F}, rng);
    Tensor labels({N}), targets({N, 1});
    for (int n = 0; n < N; ++n) labels[n] = drawn_label(rng, C), targets[n] = drawn_label(rng, 2);
    const float lr = rng.uniform(0.05f, 0.5f);
    // two steps on one batch: the losses train_step returned, then every parameter after the second step
    const auto ten_way = [&] {
        Rng init(seed);
        Sequential m = small_model(F, hidden, C, init);
        SGD sgd(lr);
        const double first = train_step(m, x, labels, softmax_cross_entropy_loss, sgd);
        const double second = train_step(m, x, labels, softmax_cross_entropy_loss, sgd);
        return std::tuple{first, second, parameter_values(m)};
    };
    EXPECT_MATCHES_REFERENCE(ten_way(), tol::kBackward);
    const auto binary = [&] {
        Rng init(seed);
        Sequential m = small_model(F, hidden, 1, init);
        Adam adam(lr / 10);
        const double first = train_step(m, x, targets, bce_loss, adam);
        const double second = train_step(m, x, targets, bce_loss, adam);
        return std::tuple{first, second, parameter_values(m)};
    };
    EXPECT_MATCHES_REFERENCE(binary(), tol::kBackward);
}

UNSEEN_TEST(Accuracy, DrawnOutputsAndTargets) {
    const int N = between(rng, 3, 12), C = between(rng, 2, 6);
    // probabilities (N, 1), one of them exactly 0.5 (no: the contract says p > 0.5), and 0/1 targets
    Tensor probabilities = Tensor::uniform({N, 1}, rng, 0.0f, 1.0f), targets({N, 1});
    probabilities[rng.below(N)] = 0.5f;
    for (int n = 0; n < N; ++n) targets[n] = drawn_label(rng, 2);
    // scores (N, C) with one row's largest value twice (the first one is the label), and labels that are
    // each row's first largest score or a drawn class
    Tensor scores = Tensor::randn({N, C}, rng), labels({N});
    const int tied = static_cast<int>(rng.below(N)), best = first_argmax(scores, tied);
    const int other = (best + between(rng, 1, C - 1)) % C;
    scores(tied, other) = scores(tied, best);
    for (int n = 0; n < N; ++n) labels[n] = rng.below(2) == 0 ? static_cast<float>(first_argmax(scores, n)) : drawn_label(rng, C);
    EXPECT_MATCHES_REFERENCE(predict_labels(probabilities), tol::kExact);
    EXPECT_MATCHES_REFERENCE(predict_labels(scores), tol::kExact);
    EXPECT_MATCHES_REFERENCE(accuracy(probabilities, targets), tol::kExact);
    EXPECT_MATCHES_REFERENCE(accuracy(scores, labels), tol::kExact);
}

UNSEEN_TEST(ConfusionMatrix, DrawnLabels) {
    const int K = between(rng, 2, 6), N = between(rng, 4, 30);
    // predictions right about two times in three; the first one is always wrong
    Tensor truth({N}), predicted({N});
    for (int n = 0; n < N; ++n) {
        truth[n] = drawn_label(rng, K);
        predicted[n] = rng.below(3) == 0 ? drawn_label(rng, K) : truth[n];
    }
    predicted[0] = static_cast<float>((static_cast<int>(truth[0]) + between(rng, 1, K - 1)) % K);
    EXPECT_MATCHES_REFERENCE(confusion_matrix(predicted, truth, K), tol::kExact);
}
