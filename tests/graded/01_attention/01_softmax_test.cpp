// Graded tests for exercise Softmax. Goldens: tests/fixtures/01_attention/softmax.wbt (tools/fixtures/attention.py).
#include <cmath>

#include "chapters/01_attention/softmax.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(Softmax, MatchesHandComputedValues, 1,
            "softmax([0, ln 3]) = [1/4, 3/4]: exponentiate, then divide by the row's sum.") {
    const Tensor x({2, 2}, {0.0f, std::log(3.0f), 5.0f, 5.0f});
    EXPECT_TENSOR_NEAR(LEARNER(softmax(x)), Tensor({2, 2}, {0.25f, 0.75f, 0.5f, 0.5f}), tol::kExact);
}

GRADED_TEST(Softmax, MatchesPyTorch, 2,
            "Normalise over the last dimension only: each (b, t) row on its own.") {
    const auto g = fixtures::load("01_attention", "softmax");
    EXPECT_TENSOR_NEAR(LEARNER(softmax(g["x"])), g["out"], tol::kForward);  // torch.softmax(x, -1), float32
}

GRADED_TEST(Softmax, LargeLogitsDoNotOverflow, 2,
            "exp(1000) is inf in float: subtract the row's max before exponentiating.") {
    const Tensor p = LEARNER(softmax(Tensor({1, 3}, {1000.0f, 1000.0f, 998.0f})));
    const float e2 = std::exp(-2.0f);
    EXPECT_TENSOR_NEAR(p, Tensor({1, 3}, {1.0f / (2 + e2), 1.0f / (2 + e2), e2 / (2 + e2)}), tol::kExact);
    const Tensor q = LEARNER(softmax(Tensor({1, 2}, {-1000.0f, -1001.0f})));  // exp(-1000) underflows to 0
    EXPECT_TENSOR_NEAR(q, Tensor({1, 2}, {1.0f / (1 + std::exp(-1.0f)), std::exp(-1.0f) / (1 + std::exp(-1.0f))}),
                       tol::kExact);
}

GRADED_TEST(Softmax, RowsSumToOneAtAnyRank, 1,
            "Rows are the last dimension, whatever the rank: x.size() / x.dim(-1) of them.") {
    Rng rng(1);
    for (const Shape& shape : {Shape{7}, Shape{3, 4}, Shape{2, 3, 5}, Shape{2, 2, 2, 3}}) {
        const Tensor p = LEARNER(softmax(Tensor::randn(shape, rng, 4.0f)));
        ASSERT_EQ(p.shape(), shape);
        const int cols = shape.back();
        for (std::size_t r = 0; r < p.size() / cols; ++r) {
            double sum = 0.0;
            for (int j = 0; j < cols; ++j) {
                EXPECT_GE(p[r * cols + j], 0.0f);
                sum += p[r * cols + j];
            }
            EXPECT_NEAR(sum, 1.0, 1e-5) << "row " << r << " of shape " << to_string(shape);
        }
    }
}

GRADED_TEST(Softmax, RejectsEmptyInput, 1, "An empty tensor has no rows to normalise: throw ShapeError naming softmax.") {
    EXPECT_SHAPE_ERROR(softmax(Tensor()), "softmax");
}
