// Graded tests for exercise BuildModels. Expected parameter counts: Keras's model.summary() for the source's layers.
#include "chapters/07_cnn_program/models.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

static std::vector<std::string> layer_names(Sequential& m) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < m.size(); ++i) names.push_back(m.layer(i).name());
    return names;
}

GRADED_TEST(BuildModels, BinaryModelIsTheSourcesModel, 2,
            "Conv2D(1 -> 32, 3x3), ReLU, MaxPool2D(2), Flatten, Dense(5408 -> 1), Sigmoid: 5729 parameters as in Keras.") {
    Rng rng(1);
    Sequential m = build_binary_model(rng);
    EXPECT_EQ(layer_names(m), (std::vector<std::string>{"Conv2D", "ReLU", "MaxPool2D", "Flatten", "Dense", "Sigmoid"}));
    EXPECT_EQ(m.parameter_count(), 5729u);
    const Tensor out = m.forward(Tensor::uniform({3, 1, 28, 28}, rng, 0, 1));
    ASSERT_EQ(out.shape(), (Shape{3, 1}));
    for (float p : out) EXPECT_TRUE(p > 0.0f && p < 1.0f) << "a sigmoid output is a probability, got " << p;
}

GRADED_TEST(BuildModels, TenClassModelEndsInTenLogits, 2,
            "Same trunk, then Dense(5408 -> 10) and no activation: softmax_cross_entropy_loss applies the softmax.") {
    Rng rng(2);
    Sequential m = build_ten_class_model(rng);
    EXPECT_EQ(layer_names(m), (std::vector<std::string>{"Conv2D", "ReLU", "MaxPool2D", "Flatten", "Dense"}));
    EXPECT_EQ(m.parameter_count(), 54410u);
    EXPECT_EQ(m.forward(Tensor({2, 1, 28, 28})).shape(), (Shape{2, 10}));
}
