// Graded tests for exercise TrainStep: one step by hand, then real training on a Fashion-MNIST subset.
// The accuracy floors were measured with the reference (see the comments) and leave a margin for
// different initial weights, not for a broken kernel.
#include <numeric>
#include <tuple>

#include "chapters/07_cnn_program/models.hpp"
#include "chapters/07_cnn_program/training.hpp"
#include "framework/data.hpp"
#include "framework/training.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(TrainStep, ReturnsTheLossAndMovesTheWeights, 2,
            "forward, loss, backward with the loss's gradient, then optimizer.step(model.params()); return the loss.") {
    Rng rng(3);
    Sequential m;
    m.add<Dense>(4, 3, rng);
    const Tensor x = Tensor::randn({5, 4}, rng), y({5}, {0, 1, 2, 1, 0});
    const double before = softmax_cross_entropy_loss(m.forward(x), y).loss;
    const Tensor w0 = dynamic_cast<Dense&>(m.layer(0)).weight;
    // what train_step returned, and the weight and the bias it left behind
    const auto [returned, w1, b1] = LEARNER([&] {
        SGD sgd(0.5f);
        const double loss = train_step(m, x, y, softmax_cross_entropy_loss, sgd);
        const Dense& dense = dynamic_cast<Dense&>(m.layer(0));
        return std::tuple{loss, dense.weight, dense.bias};
    }());
    EXPECT_NEAR(returned, before, 1e-6) << "return the loss of the forward pass before the step";
    ASSERT_EQ(w1.shape(), w0.shape());
    ASSERT_EQ(b1.shape(), (Shape{3}));
    EXPECT_NE(w1.values(), w0.values()) << "the optimizer did not change the weights";
    Dense& stepped = dynamic_cast<Dense&>(m.layer(0));  // the judge's copy of the model takes the handed-over step
    stepped.weight = w1, stepped.bias = b1;
    EXPECT_LT(softmax_cross_entropy_loss(m.forward(x), y).loss, before) << "one SGD step should lower this loss";
}

// The learning tests train a model of framework layers only (Flatten, Dense, ReLU, Sigmoid): their
// points belong to train_step, whatever the state of chapter 04's kernels or of BuildModels, and they
// run in about a second.
static inline void train(Sequential& model, const Tensor& x, const Tensor& y, const LossFn& loss, int epochs) {
    Adam adam(1e-3f);
    FitOptions o;
    o.epochs = epochs;
    o.progress = false;
    const StepFn step = [&](const Tensor& bx, const Tensor& by) { return train_step(model, bx, by, loss, adam); };
    fit(model, x, y, step, loss, {}, o);
}

static Tensor head(const Tensor& t, int n) {
    std::vector<int> idx(static_cast<std::size_t>(n));
    std::iota(idx.begin(), idx.end(), 0);
    return take_rows(t, idx);
}

// Labels 5, 7 and 9 as 1, the rest 0, (N, 1): the test's own copy, so that these points belong to train_step
// alone (footwear_targets is exercise BinaryLabels).
static Tensor footwear_targets_of(const Tensor& labels) {
    Tensor t({static_cast<int>(labels.size()), 1});
    for (std::size_t i = 0; i < labels.size(); ++i) t[i] = labels[i] == 5 || labels[i] == 7 || labels[i] == 9;
    return t;
}

[[maybe_unused]] static Sequential dense_model(int outputs, Rng& rng) {
    Sequential model;
    model.add<Flatten>();
    model.add<Dense>(28 * 28, 64, rng);
    model.add<ReLU>();
    model.add<Dense>(64, outputs, rng);
    if (outputs == 1) model.add<Sigmoid>();
    return model;
}

// Measured with the reference: 0.997 on the first 1000 test images after 1 epoch on the first
// 3000 training images; always answering "not footwear" scores 0.70 here.
GRADED_TEST(TrainStep, DenseModelLearnsFootwear, 3,
            "Training should pass 0.95 test accuracy: does train_step call backward with the loss's gradient, then step?") {
    const Dataset d = load_fashion_mnist();
    const Tensor test_x = head(d.test_x, 1000), test_y = footwear_targets_of(head(d.test_y, 1000));
    // the trained model's probabilities on the first 1000 test images
    const Tensor probabilities = LEARNER([&] {
        Rng rng(11);
        Sequential model = dense_model(1, rng);
        train(model, head(d.train_x, 3000), footwear_targets_of(head(d.train_y, 3000)), bce_loss, 1);
        return model.forward(test_x);
    }());
    ASSERT_EQ(probabilities.shape(), test_y.shape());
    EXPECT_GE(binary_accuracy(probabilities, test_y, 0.5f), 0.95);
}

// Measured with the reference: 0.782 on the first 1000 test images after 2 epochs on the first
// 3000 training images (chance: 0.10).
GRADED_TEST(TrainStep, DenseModelLearnsTenClasses, 3,
            "Training should pass 0.72 test accuracy (chance is 0.10): one optimizer step per batch, on the whole model.") {
    const Dataset d = load_fashion_mnist();
    // the trained model's logits on the first 1000 test images
    const Tensor logits = LEARNER([&] {
        Rng rng(12);
        Sequential model = dense_model(10, rng);
        train(model, head(d.train_x, 3000), head(d.train_y, 3000), softmax_cross_entropy_loss, 2);
        return model.forward(head(d.test_x, 1000));
    }());
    ASSERT_EQ(logits.shape(), (Shape{1000, 10}));
    EXPECT_GE(argmax_accuracy(logits, head(d.test_y, 1000)), 0.72);
}
