// Graded tests for exercise ParameterCount. Expected values: Keras's model.summary() for the same layers.
#include "chapters/04_cnn/shapes.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(ParameterCount, ConvLayers, 2, "F * C * KH * KW weights, plus F biases: the filter covers every input channel.") {
    EXPECT_EQ(LEARNER(conv2d_parameter_count(1, 32, 3, 3)), 320);       // Conv2D(32, (3, 3)) on Fashion-MNIST
    EXPECT_EQ(LEARNER(conv2d_parameter_count(3, 64, 3, 3)), 1792);
    EXPECT_EQ(LEARNER(conv2d_parameter_count(64, 128, 1, 1)), 8320);    // a 1x1 convolution mixes channels
    EXPECT_EQ(LEARNER(conv2d_parameter_count(16, 8, 5, 3, false)), 1920);
}

GRADED_TEST(ParameterCount, DenseLayers, 1, "in * out weights plus out biases.") {
    EXPECT_EQ(LEARNER(dense_parameter_count(5408, 1)), 5409);    // the source's sigmoid head on 32 x 13 x 13
    EXPECT_EQ(LEARNER(dense_parameter_count(5408, 10)), 54090);  // the 10-class head
    EXPECT_EQ(LEARNER(dense_parameter_count(100, 128, false)), 12800);
}

GRADED_TEST(ParameterCount, MultiplyAccumulates, 1, "MACs = F * OH * OW * C * KH * KW (a FLOP count would be twice that).") {
    EXPECT_EQ(LEARNER(conv2d_macs(1, 32, 3, 3, 26, 26)), 194688);
    EXPECT_EQ(LEARNER(conv2d_macs(64, 128, 3, 3, 56, 56)), 231211008L);
}
