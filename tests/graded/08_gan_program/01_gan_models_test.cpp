// Graded tests for exercise GanModels.
#include <string>
#include <vector>

#include "chapters/08_gan_program/gan_models.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

static std::vector<std::string> layer_names(Sequential& m) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < m.size(); ++i) names.push_back(m.layer(i).name());
    return names;
}

GRADED_TEST(GanModels, GeneratorIsTheSourcesGenerator, 3,
            "Dense 128 + ReLU, Dense 784 + Tanh, then Reshape (1, 28, 28): 114,064 parameters, outputs in [-1, 1].") {
    Rng rng(1);
    Sequential g = build_generator(rng);
    EXPECT_EQ(layer_names(g), (std::vector<std::string>{"Dense", "ReLU", "Dense", "Tanh", "Reshape"}));
    EXPECT_EQ(g.parameter_count(), 114064u);
    const Tensor images = g.forward(Tensor::randn({5, kNoiseSize}, rng, 3.0f));
    ASSERT_EQ(images.shape(), (Shape{5, 1, 28, 28}));
    for (float v : images) ASSERT_TRUE(v >= -1.0f && v <= 1.0f) << v;
}

GRADED_TEST(GanModels, DiscriminatorEndsInALogit, 3,
            "Conv2D 64 3x3 + ReLU, MaxPool 2, Flatten, Dense 1 with no sigmoid: 11,457 parameters, outputs of either sign.") {
    Rng rng(2);
    Sequential d = build_discriminator(rng);
    EXPECT_EQ(layer_names(d), (std::vector<std::string>{"Conv2D", "ReLU", "MaxPool2D", "Flatten", "Dense"}));
    EXPECT_EQ(d.parameter_count(), 11457u);
    const Tensor logits = d.forward(Tensor::uniform({40, 1, 28, 28}, rng, -1.0f, 1.0f));
    ASSERT_EQ(logits.shape(), (Shape{40, 1}));
    int negative = 0, positive = 0;
    for (float v : logits) negative += v < 0, positive += v > 0;
    EXPECT_GT(negative, 0) << "a probability (sigmoid) is never negative: D must return logits";
    EXPECT_GT(positive, 0);
}
