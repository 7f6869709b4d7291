// Graded tests for exercise MultiHeadBackward. Goldens: tests/fixtures/01_attention/multihead_*.wbt (autograd).
#include "chapters/01_attention/multihead.hpp"
#include "framework/gradcheck.hpp"
#include "tests/graded/01_attention/multihead_common.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using multihead_test::lengths_from;
using multihead_test::weights_from;

GRADED_TEST(MultiHeadBackward, InputGradientsMatchAutograd, 2,
            "Chain back through W_o, the heads (attention_backward) and the three input projections: dX = dY W.") {
    const auto g = fixtures::load("01_attention", "multihead_plain");
    const MultiHeadWeights w = weights_from(g);
    const MultiHeadResult r = LEARNER(multihead_forward(g["query"], g["key"], g["value"], w));
    const MultiHeadGrads d = LEARNER(multihead_backward(g["dout"], r.cache, w));
    EXPECT_TENSOR_NEAR(d.dquery, g["dquery"], tol::kBackward);
    EXPECT_TENSOR_NEAR(d.dkey, g["dkey"], tol::kBackward);
    EXPECT_TENSOR_NEAR(d.dvalue, g["dvalue"], tol::kBackward);
}

GRADED_TEST(MultiHeadBackward, ParameterGradientsMatchAutograd, 3,
            "For Y = X W^T + b: dW = dY^T X summed over batch and positions, db = sum of dY.") {
    const auto g = fixtures::load("01_attention", "multihead_plain");
    const MultiHeadWeights w = weights_from(g);
    const MultiHeadResult r = LEARNER(multihead_forward(g["query"], g["key"], g["value"], w));
    const MultiHeadGrads d = LEARNER(multihead_backward(g["dout"], r.cache, w));
    EXPECT_TENSOR_NEAR(d.dw_o, g["dw_o"], tol::kBackward);
    EXPECT_TENSOR_NEAR(d.db_o, g["db_o"], tol::kBackward);
    EXPECT_TENSOR_NEAR(d.dw_q, g["dw_q"], tol::kBackward);
    EXPECT_TENSOR_NEAR(d.dw_k, g["dw_k"], tol::kBackward);
    EXPECT_TENSOR_NEAR(d.dw_v, g["dw_v"], tol::kBackward);
    EXPECT_TENSOR_NEAR(d.db_q, g["db_q"], tol::kBackward);
    EXPECT_TENSOR_NEAR(d.db_k, g["db_k"], tol::kBackward);
    EXPECT_TENSOR_NEAR(d.db_v, g["db_v"], tol::kBackward);
}

GRADED_TEST(MultiHeadBackward, PaddingMatchesAutograd, 2, "The per-head mask of the forward pass is in the cache: reuse it.") {
    const auto g = fixtures::load("01_attention", "multihead_padding");
    const MultiHeadWeights w = weights_from(g);
    const MultiHeadResult r = LEARNER(multihead_forward(g["query"], g["key"], g["value"], w, padding_mask(lengths_from(g), 3, 4)));
    const MultiHeadGrads d = LEARNER(multihead_backward(g["dout"], r.cache, w));
    EXPECT_TENSOR_NEAR(d.dkey, g["dkey"], tol::kBackward);
    EXPECT_TENSOR_NEAR(d.dvalue, g["dvalue"], tol::kBackward);
    EXPECT_TENSOR_NEAR(d.dw_v, g["dw_v"], tol::kBackward);
}

// Tolerance: as the attention gradient check (float32, h = 1e-2, floor 1e-3, threshold 1e-2).
GRADED_TEST(MultiHeadBackward, GradientCheckOnWq, 1, "dW_q = dQ^T query, with dQ the merged heads' dq.") {
    Rng rng(17);
    const int E = 4;
    MultiHeadWeights w{2, Tensor::randn({E, E}, rng, 0.5f), Tensor::randn({E, E}, rng, 0.5f),
                       Tensor::randn({E, E}, rng, 0.5f), Tensor::randn({E}, rng, 0.1f), Tensor::randn({E}, rng, 0.1f),
                       Tensor::randn({E}, rng, 0.1f), Tensor::randn({E, E}, rng, 0.5f), Tensor::randn({E}, rng, 0.1f)};
    const Tensor x = Tensor::randn({1, 3, E}, rng), dout = Tensor::randn({1, 3, E}, rng);
    const MultiHeadGrads d = LEARNER(multihead_backward(dout, multihead_forward(x, x, x, w).cache, w));
    const Tensor numeric = numeric_gradient(
        [&](const Tensor& wq) {
            MultiHeadWeights w2 = w;
            w2.w_q = wq;
            const Tensor out = LEARNER(multihead_forward(x, x, x, w2)).out;
            double sum = 0.0;
            for (std::size_t i = 0; i < out.size(); ++i) sum += static_cast<double>(out[i]) * dout[i];
            return sum;
        },
        w.w_q);
    EXPECT_LT(relative_error(d.dw_q, numeric, 1e-3), 1e-2);
}
