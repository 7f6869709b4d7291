// Graded tests for exercise ReceptiveField. Golden: tests/fixtures/04_cnn/receptive_fields.wbt (40 random stacks
// of Conv1d layers with weights of ones: the span of PyTorch's nonzero gradient of one output, first to last input).
#include <string>
#include <vector>

#include "chapters/04_cnn/shapes.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {

void expect_field(const std::vector<WindowLayer>& layers, long size, long jump, const std::string& what) {
    const ReceptiveField got = LEARNER(receptive_field(layers));
    EXPECT_EQ(got.size, size) << what << ": size";
    EXPECT_EQ(got.jump, jump) << what << ": jump";
}

}  // namespace

GRADED_TEST(ReceptiveField, ClassicStacks, 2,
            "Each layer adds d(k - 1) of its own input steps, and one of its input steps is the product of the strides "
            "below it, not including its own.") {
    expect_field({}, 1, 1, "no layer");
    expect_field({{3}, {3}}, 5, 1, "two 3x3 convolutions (VGG)");
    expect_field({{3}, {3}, {3}}, 7, 1, "three 3x3 convolutions (VGG)");
    expect_field({{11, 4}, {3, 2}, {5}, {3, 2}, {3}, {3}, {3}, {3, 2}}, 195, 32, "AlexNet (convolutions and poolings)");
    expect_field({{7, 2}, {3, 2}}, 11, 4, "ResNet's stem: 7x7 stride 2, 3x3 max-pool stride 2");
    std::vector<WindowLayer> wavenet;  // kernel 2, dilations 1, 2, 4, ..., 512
    for (int d = 1; d <= 512; d *= 2) wavenet.push_back({2, 1, d});
    expect_field(wavenet, 1024, 1, "WaveNet's dilated stack");
    const std::vector<WindowLayer> deep(40, WindowLayer{3, 2});  // 2^41 - 1 does not fit in an int
    expect_field(deep, (1L << 41) - 1, 1L << 40, "40 layers of kernel 3, stride 2 (long arithmetic)");
}

GRADED_TEST(ReceptiveField, MatchesPyTorchAutograd, 2,
            "Mixed strides and dilations: multiply d(k - 1) by the jump before this layer's stride updates it.") {
    const auto g = fixtures::load("04_cnn", "receptive_fields");
    const int count = g.integer("count");
    ASSERT_EQ(count, 40);
    for (int c = 0; c < count; ++c) {
        const Tensor& t = g["layers_" + std::to_string(c)];  // (L, 3): kernel, stride, dilation
        std::vector<WindowLayer> layers;
        std::string described;
        for (int l = 0; l < t.dim(0); ++l) {
            layers.push_back({static_cast<int>(t(l, 0)), static_cast<int>(t(l, 1)), static_cast<int>(t(l, 2))});
            described += " (k " + std::to_string(layers.back().kernel) + " s " + std::to_string(layers.back().stride) +
                         " d " + std::to_string(layers.back().dilation) + ")";
        }
        const Tensor field = EXPECTED(g["field_" + std::to_string(c)]);  // (2): size, jump; empty in the learner's process
        const auto value = [&](std::size_t i) { return i < field.size() ? static_cast<long>(field[i]) : 0L; };
        expect_field(layers, value(0), value(1), "stack" + described);
    }
}

GRADED_TEST(ReceptiveField, RejectsImpossibleLayers, 1,
            "ShapeError naming receptive_field (and the layer) for a kernel, stride or dilation below 1.") {
    EXPECT_SHAPE_ERROR(receptive_field({{3}, {0}}), "receptive_field");
    EXPECT_SHAPE_ERROR(receptive_field({{3, 0}}), "receptive_field");
    EXPECT_SHAPE_ERROR(receptive_field({{3, 1, 0}}), "receptive_field");
    EXPECT_SHAPE_ERROR(receptive_field({{3, 1, -2}}), "receptive_field");
}
