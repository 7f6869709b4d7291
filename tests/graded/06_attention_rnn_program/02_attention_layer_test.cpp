// Graded tests for exercise LastStateAttention. Goldens: tests/fixtures/06_attention_rnn_program/*.wbt (autograd).
#include "chapters/06_attention_rnn_program/attention_layer.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {
LastStateAttention layer_with(const Tensor& weight) {
    Rng rng(0);
    LastStateAttention layer(weight.dim(0), rng);
    layer.weight = weight;
    return layer;
}
}  // namespace

GRADED_TEST(LastStateAttention, ForwardMatchesPyTorch, 3,
            "q = x[:, T-1]; e_t = x[:, t] . (W q) / sqrt(H); softmax over t; y = [sum_t a_t x[:, t], q].") {
    for (const char* name : {"attention", "attention_peaked"}) {
        const auto g = fixtures::load("06_attention_rnn_program", name);
        LastStateAttention layer = layer_with(g["weight"]);
        const Tensor y = layer.forward(g["x"]);
        EXPECT_TENSOR_NEAR(layer.attention_weights(), g["weights"], tol::kForward) << name << ": attention weights";
        EXPECT_TENSOR_NEAR(y, g["y"], tol::kForward) << name << ": y = [context, query]";
    }
}

GRADED_TEST(LastStateAttention, TheMatchingStateTakesTheWeight, 1,
            "With W = 8 I, the state equal to the query scores highest; the others share what is left.") {
    // H = 2, T = 4: states (1,0), (0,1), (0,-1), then the query (1,0) itself; W = 8 I
    LastStateAttention layer = layer_with(Tensor({2, 2}, {8, 0, 0, 8}));
    const Tensor y = layer.forward(Tensor({1, 4, 2}, {1, 0, 0, 1, 0, -1, 1, 0}));
    const Tensor& a = layer.attention_weights();
    // e = 8 / sqrt(2) for steps 0 and 3, 0 for steps 1 and 2
    const float big = std::exp(8.0f / std::sqrt(2.0f)), total = 2 * big + 2;
    EXPECT_NEAR(a(0, 0), big / total, 1e-5);
    EXPECT_NEAR(a(0, 1), 1 / total, 1e-5);
    EXPECT_NEAR(a(0, 3), big / total, 1e-5);
    EXPECT_NEAR(y(0, 0), 2 * big / total, 1e-5) << "context, feature 0";
    EXPECT_NEAR(y(0, 1), 0.0f, 1e-5) << "context, feature 1: (0,1) and (0,-1) cancel";
    EXPECT_EQ(y(0, 2), 1.0f) << "the query half is the last state";
    EXPECT_EQ(y(0, 3), 0.0f) << "the query half is the last state";
}

GRADED_TEST(LastStateAttention, BackwardMatchesAutograd, 4,
            "Each state gets a_t dc (the average) and de_t W q / sqrt(H) (its score); the last state also gets "
            "dq + W^T dk, being the query. weight_grad = sum_n dk q^T, from zero in every call.") {
    for (const char* name : {"attention", "attention_peaked"}) {
        const auto g = fixtures::load("06_attention_rnn_program", name);
        LastStateAttention layer = layer_with(g["weight"]);
        layer.forward(g["x"]);
        layer.backward(g["dout"]);  // twice: the second call must not add to the first's weight_grad
        const Tensor dx = layer.backward(g["dout"]);
        EXPECT_TENSOR_NEAR(dx, g["dx"], tol::kBackward) << name << ": dx";
        EXPECT_TENSOR_NEAR(layer.weight_grad, g["dweight"], tol::kBackward) << name << ": weight_grad";
    }
}

GRADED_TEST(LastStateAttention, RejectsMismatchedShapes, 1,
            "x must be (N, T, H) with W's H; dout must be (N, 2H) of the last forward.") {
    LastStateAttention layer = layer_with(Tensor({3, 3}));
    EXPECT_SHAPE_ERROR(layer.forward(Tensor({2, 4, 5})), "LastStateAttention::forward");
    EXPECT_SHAPE_ERROR(layer.forward(Tensor({2, 3})), "LastStateAttention::forward");
    layer.forward(Tensor({2, 4, 3}));
    EXPECT_SHAPE_ERROR(layer.backward(Tensor({2, 3})), "LastStateAttention::backward");
}
