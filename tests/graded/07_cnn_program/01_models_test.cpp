// Graded tests for exercise BuildModels. Expected parameter counts: Keras's model.summary() for the source's layers.
#include <tuple>

#include "chapters/07_cnn_program/models.hpp"
#include "tests/harness/graded.hpp"
#include "tests/harness/sequential_views.hpp"

using namespace wb;
using wb::graded::layer_names;

GRADED_TEST(BuildModels, BinaryModelIsTheSourcesModel, 2,
            "Conv2D(1 -> 32, 3x3), ReLU, MaxPool2D(2), Flatten, Dense(5408 -> 1), Sigmoid: 5729 parameters as in Keras.") {
    const auto [names, parameters, out] = LEARNER([] {
        Rng rng(1);
        Sequential m = build_binary_model(rng);
        return std::tuple{layer_names(m), m.parameter_count(), m.forward(Tensor::uniform({3, 1, 28, 28}, rng, 0, 1))};
    }());
    EXPECT_EQ(names, (std::vector<std::string>{"Conv2D", "ReLU", "MaxPool2D", "Flatten", "Dense", "Sigmoid"}));
    EXPECT_EQ(parameters, 5729u);
    ASSERT_EQ(out.shape(), (Shape{3, 1}));
    for (float p : out) EXPECT_TRUE(p > 0.0f && p < 1.0f) << "a sigmoid output is a probability, got " << p;
}

GRADED_TEST(BuildModels, TenClassModelEndsInTenLogits, 2,
            "Same trunk, then Dense(5408 -> 10) and no activation: softmax_cross_entropy_loss applies the softmax.") {
    const auto [names, parameters, out_shape] = LEARNER([] {
        Rng rng(2);
        Sequential m = build_ten_class_model(rng);
        return std::tuple{layer_names(m), m.parameter_count(), m.forward(Tensor({2, 1, 28, 28})).shape()};
    }());
    EXPECT_EQ(names, (std::vector<std::string>{"Conv2D", "ReLU", "MaxPool2D", "Flatten", "Dense"}));
    EXPECT_EQ(parameters, 54410u);
    EXPECT_EQ(out_shape, (Shape{2, 10}));
}
