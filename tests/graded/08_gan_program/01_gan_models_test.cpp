// Graded tests for exercise GanModels.
#include <string>
#include <tuple>
#include <vector>

#include "chapters/08_gan_program/gan_models.hpp"
#include "tests/harness/graded.hpp"
#include "tests/harness/sequential_views.hpp"

using namespace wb;
using wb::graded::layer_names;

GRADED_TEST(GanModels, GeneratorIsTheSourcesGenerator, 3,
            "Dense 128 + ReLU, Dense 784 + Tanh, then Reshape (1, 28, 28): 114,064 parameters, outputs in [-1, 1].") {
    const auto [names, parameters, images] = LEARNER([] {
        Rng rng(1);
        Sequential g = build_generator(rng);
        return std::tuple{layer_names(g), g.parameter_count(), g.forward(Tensor::randn({5, kNoiseSize}, rng, 3.0f))};
    }());
    EXPECT_EQ(names, (std::vector<std::string>{"Dense", "ReLU", "Dense", "Tanh", "Reshape"}));
    EXPECT_EQ(parameters, 114064u);
    ASSERT_EQ(images.shape(), (Shape{5, 1, 28, 28}));
    for (float v : images) ASSERT_TRUE(v >= -1.0f && v <= 1.0f) << v;
}

GRADED_TEST(GanModels, DiscriminatorEndsInALogit, 3,
            "Conv2D 64 3x3 + ReLU, MaxPool 2, Flatten, Dense 1 with no sigmoid: 11,457 parameters, outputs of either sign.") {
    const auto [names, parameters, logits] = LEARNER([] {
        Rng rng(2);
        Sequential d = build_discriminator(rng, false);
        return std::tuple{layer_names(d), d.parameter_count(), d.forward(Tensor::uniform({40, 1, 28, 28}, rng, -1.0f, 1.0f))};
    }());
    EXPECT_EQ(names, (std::vector<std::string>{"Conv2D", "ReLU", "MaxPool2D", "Flatten", "Dense"}));
    EXPECT_EQ(parameters, 11457u);
    ASSERT_EQ(logits.shape(), (Shape{40, 1}));
    int negative = 0, positive = 0;
    for (float v : logits) negative += v < 0, positive += v > 0;
    EXPECT_GT(negative, 0) << "a probability (sigmoid) is never negative: D must return logits";
    EXPECT_GT(positive, 0);
}

GRADED_TEST(GanModels, DiscriminatorSeesTheSpreadOfEachHalf, 3,
            "MinibatchStddev(kStddevGroup), then ChannelStddev(kStddevGroup, 128), between Flatten and Dense (21,760 "
            "features, 22,401 parameters); a batch of 64 real rows then 64 generated ones is measured in groups of kStddevGroup (16), so "
            "a row's logit depends only on its own half.") {
    // D's layers and size, and its logits on real + fake_a and on real + fake_b (64 copies of one image)
    const auto [names, parameters, with_a, with_b] = LEARNER([] {
        Rng rng(3);
        Sequential d = build_discriminator(rng);
        const Tensor real = Tensor::uniform({kGanBatch, 1, 28, 28}, rng, -1.0f, 1.0f);
        const Tensor fake_a = Tensor::uniform({kGanBatch, 1, 28, 28}, rng, -1.0f, 1.0f);
        Tensor fake_b({kGanBatch, 1, 28, 28});  // no spread at all
        for (int n = 0; n < kGanBatch; ++n)
            for (int i = 0; i < 28 * 28; ++i) fake_b[static_cast<std::size_t>(n) * 784 + i] = fake_a[i];
        return std::tuple{layer_names(d), d.parameter_count(), d.forward(concat_rows(real, fake_a)),
                          d.forward(concat_rows(real, fake_b))};
    }());
    EXPECT_EQ(names, (std::vector<std::string>{"Conv2D", "ReLU", "MaxPool2D", "Flatten", "MinibatchStddev",
                                               "ChannelStddev", "Dense"}));
    EXPECT_EQ(parameters, 22401u);
    ASSERT_EQ(with_b.shape(), (Shape{2 * kGanBatch, 1}));
    ASSERT_EQ(with_a.shape(), (Shape{2 * kGanBatch, 1}));
    // the real half's logits do not depend on what the generated half looks like ...
    for (int n = 0; n < kGanBatch; ++n) ASSERT_FLOAT_EQ(with_a(n, 0), with_b(n, 0)) << "row " << n;
    // ... while the generated half's do: the same image scores differently among look-alikes
    EXPECT_NE(with_a(kGanBatch, 0), with_b(kGanBatch, 0));
}
