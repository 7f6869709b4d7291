// Graded tests for exercise Conv2dReluPool. Goldens: tests/fixtures/04_cnn/fused*.wbt
// (max_pool2d(relu(conv2d(x, w, b, stride, padding)), pool) and its autograd gradients), written by
// tools/fixtures/cnn.py: padding 1 with a 2x2 pool that drops a row; stride 2, a 3x3 pool and no bias;
// chapter 07's first layer (one channel, 32 filters, 28x28).
#include "chapters/04_cnn/conv.hpp"
#include "chapters/04_cnn/pool.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {

const std::vector<std::string> kFusedCases = {"fused", "fused_stride2_pool3_no_bias", "fused_chapter07_first_layer"};

ConvReluPoolResult forward_of(const fixtures::Golden& g) {
    const Conv2dParams p{g.integer("stride"), g.integer("padding"), 1};
    return LEARNER(conv2d_relu_maxpool_forward(g["x"], g["w"], g.has("b") ? g["b"] : Tensor(), p, g.integer("pool")));
}

}  // namespace

GRADED_TEST(Conv2dReluPool, ForwardMatchesPyTorch, 2,
            "out = max(0, max over the window of conv): the ReLU clips the pooled value; the pool drops a leftover row.") {
    for (const auto& name : kFusedCases) {
        SCOPED_TRACE(name);
        const auto g = fixtures::load("04_cnn", name);
        EXPECT_TENSOR_NEAR(forward_of(g).out, g["out"], tol::kForward);
    }
}

GRADED_TEST(Conv2dReluPool, BackwardMatchesAutograd, 3,
            "Only a window's winner whose pooled value is > 0 passes the gradient on; then dW, db, dX as in conv2d_backward.") {
    for (const auto& name : kFusedCases) {
        SCOPED_TRACE(name);
        const auto g = fixtures::load("04_cnn", name);
        const Conv2dGrads d = LEARNER(conv2d_relu_maxpool_backward(g["dout"], forward_of(g).cache));
        EXPECT_TENSOR_NEAR(d.dw, g["dw"], tol::kBackward);
        if (g.has("db")) EXPECT_TENSOR_NEAR(d.db, g["db"], tol::kBackward);
        else EXPECT_TRUE(d.db.empty()) << "a convolution without a bias has no db";
        EXPECT_TENSOR_NEAR(d.dx, g["dx"], tol::kBackward);
    }
}

GRADED_TEST(Conv2dReluPool, SkipsInputGradientWhenNotNeeded, 1,
            "need_dx = false (chapter 07's first layer): leave dx empty, and still compute dW and db.") {
    const auto g = fixtures::load("04_cnn", "fused_chapter07_first_layer");
    const Conv2dGrads d = LEARNER(conv2d_relu_maxpool_backward(g["dout"], forward_of(g).cache, false));
    EXPECT_TRUE(d.dx.empty()) << "dx has shape " << to_string(d.dx.shape());
    EXPECT_TENSOR_NEAR(d.dw, g["dw"], tol::kBackward);
    EXPECT_TENSOR_NEAR(d.db, g["db"], tol::kBackward);
}

GRADED_TEST(Conv2dReluPool, AgreesWithTheThreeKernelsAtChapterSevenShapes, 1,
            "The fused block must equal conv2d_forward, ReLU, maxpool2d_forward on a full chapter 07 batch.") {
    Rng rng(31);
    const Tensor x = Tensor::uniform({32, 1, 28, 28}, rng, 0, 1), w = Tensor::randn({32, 1, 3, 3}, rng, 0.3f);
    const Tensor b = Tensor::randn({32}, rng, 0.1f);
    Tensor relu = LEARNER(conv2d_forward(x, w, b));
    for (float& v : relu) v = v > 0.0f ? v : 0.0f;
    const Tensor unfused = LEARNER(maxpool2d_forward(relu, 2, 2)).out;
    EXPECT_TENSOR_NEAR(LEARNER(conv2d_relu_maxpool_forward(x, w, b, {}, 2)).out, unfused, tol::kForward);
}

GRADED_TEST(Conv2dReluPool, RejectsBadShapes, 1, "Same checks as conv2d_forward, plus a pool that must fit; name the function.") {
    EXPECT_SHAPE_ERROR(conv2d_relu_maxpool_forward(Tensor({1, 2, 5, 5}), Tensor({2, 1, 3, 3}), Tensor(), {}, 2),
                       "conv2d_relu_maxpool_forward");
    EXPECT_SHAPE_ERROR(conv2d_relu_maxpool_forward(Tensor({1, 1, 4, 4}), Tensor({2, 1, 3, 3}), Tensor(), {}, 3),
                       "conv2d_relu_maxpool_forward");
}
