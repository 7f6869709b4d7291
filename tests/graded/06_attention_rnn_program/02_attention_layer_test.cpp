// Graded tests for exercise LastStateAttention. Goldens: tests/fixtures/06_attention_rnn_program/*.wbt (autograd).
#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <utility>

#include "chapters/06_attention_rnn_program/attention_layer.hpp"
#include "tests/graded/06_attention_rnn_program/common.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using attention_rnn_test::layer_with;

// The largest score |x_t . (W q)| / sqrt(H) of a golden: attention_peaked's must overflow float's exp (above
// log(FLT_MAX) = 88.72), or the case would not test the max shift it is there for.
static float largest_score(const fixtures::Golden& g) {
    const Tensor &x = g["x"], &w = g["weight"];
    const int N = x.dim(0), T = x.dim(1), H = x.dim(2);
    float largest = 0.0f;
    for (int n = 0; n < N; ++n)
        for (int t = 0; t < T; ++t) {
            double e = 0.0;
            for (int i = 0; i < H; ++i)
                for (int j = 0; j < H; ++j) e += x(n, t, i) * w(i, j) * x(n, T - 1, j);
            largest = std::max(largest, static_cast<float>(std::abs(e) / std::sqrt(H)));
        }
    return largest;
}

GRADED_TEST(LastStateAttention, ForwardMatchesPyTorch, 3,
            "q = x[:, T-1]; e_t = x[:, t] . (W q) / sqrt(H); softmax over t; y = [sum_t a_t x[:, t], q].") {
    for (const char* name : {"attention", "attention_peaked"}) {
        const auto g = fixtures::load("06_attention_rnn_program", name);
        if (std::string(name) == "attention_peaked") ASSERT_GT(largest_score(g), 88.73f) << "the case's premise";
        const auto [weights, y] = LEARNER([&] {
            LastStateAttention layer = layer_with(g["weight"]);
            const Tensor out = layer.forward(g["x"]);
            return std::pair{layer.attention_weights(), out};
        }());
        EXPECT_TENSOR_NEAR(weights, g["weights"], tol::kForward) << name << ": attention weights";
        EXPECT_TENSOR_NEAR(y, g["y"], tol::kForward) << name << ": y = [context, query]";
    }
}

GRADED_TEST(LastStateAttention, TheMatchingStateTakesTheWeight, 1,
            "With W = 8 I, the state equal to the query scores highest; the others share what is left.") {
    // H = 2, T = 4: states (1,0), (0,1), (0,-1), then the query (1,0) itself; W = 8 I
    const auto [a, y] = LEARNER([] {
        LastStateAttention layer = layer_with(Tensor({2, 2}, {8, 0, 0, 8}));
        const Tensor out = layer.forward(Tensor({1, 4, 2}, {1, 0, 0, 1, 0, -1, 1, 0}));
        return std::pair{layer.attention_weights(), out};
    }());
    ASSERT_EQ(a.shape(), (Shape{1, 4}));
    ASSERT_EQ(y.shape(), (Shape{1, 4}));
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
        const auto [dx, weight_grad] = LEARNER([&] {
            LastStateAttention layer = layer_with(g["weight"]);
            layer.forward(g["x"]);
            layer.backward(g["dout"]);  // twice: the second call must not add to the first's weight_grad
            const Tensor d = layer.backward(g["dout"]);
            return std::pair{d, layer.weight_grad};
        }());
        EXPECT_TENSOR_NEAR(dx, g["dx"], tol::kBackward) << name << ": dx";
        EXPECT_TENSOR_NEAR(weight_grad, g["dweight"], tol::kBackward) << name << ": weight_grad";
    }
}

GRADED_TEST(LastStateAttention, RejectsMismatchedShapes, 1,
            "x must be (N, T, H) with W's H; dout must be (N, 2H) of the last forward.") {
    using wb::grading::shape_error_outcome;
    const auto [wrong_h, wrong_rank, wrong_dout] = LEARNER([] {
        LastStateAttention layer = layer_with(Tensor({3, 3}));
        auto a = shape_error_outcome([&] { layer.forward(Tensor({2, 4, 5})); });
        auto b = shape_error_outcome([&] { layer.forward(Tensor({2, 3})); });
        layer.forward(Tensor({2, 4, 3}));
        auto c = shape_error_outcome([&] { layer.backward(Tensor({2, 3})); });
        return std::tuple{a, b, c};
    }());
    EXPECT_SHAPE_ERROR_OUTCOME(wrong_h, "LastStateAttention::forward");
    EXPECT_SHAPE_ERROR_OUTCOME(wrong_rank, "LastStateAttention::forward");
    EXPECT_SHAPE_ERROR_OUTCOME(wrong_dout, "LastStateAttention::backward");
}
