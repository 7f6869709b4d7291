// Graded tests for exercise StyleLoss. Goldens: tests/fixtures/05_gan/style.wbt (F.mse_loss of Gram matrices, autograd).
#include <cmath>

#include "chapters/05_gan/style.hpp"
#include "framework/gradcheck.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(StyleLoss, MatchesAutograd, 3,
            "L = mean over (n, c, d) of (G - T)^2; dL/dF[n] = 2/(N C^2) * 2/(C H W) * (G - T)[n] F[n].") {
    const auto g = fixtures::load("05_gan", "style");
    const LossResult r = LEARNER(style_loss(g["features"], g["target_gram"]));
    EXPECT_NEAR(r.loss, g.scalar("loss"), 1e-5 * g.scalar("loss"));
    EXPECT_TENSOR_NEAR(r.grad, g["grad"], tol::kBackward);
}

GRADED_TEST(StyleLoss, ZeroAtItsOwnStyleAndGradientCheck, 1,
            "The loss against the image's own Gram matrix is 0 with a zero gradient; elsewhere the gradient must match finite differences.") {
    Rng rng(5);
    const Tensor f = Tensor::randn({1, 2, 3, 3}, rng), target = LEARNER(gram_matrix(Tensor::randn({1, 2, 3, 3}, rng)));
    const LossResult own = LEARNER(style_loss(f, gram_matrix(f)));
    EXPECT_NEAR(own.loss, 0.0, 1e-12);
    for (float v : own.grad) EXPECT_NEAR(v, 0.0f, 1e-7);
    const Tensor numeric = numeric_gradient([&](const Tensor& x) { return LEARNER(style_loss(x, target)).loss; }, f);
    EXPECT_LT(relative_error(LEARNER(style_loss(f, target)).grad, numeric, 1e-3), 1e-2);
}

GRADED_TEST(StyleLoss, RejectsATargetOfTheWrongShape, 1, "target_gram must be (N, C, C); name style_loss.") {
    EXPECT_SHAPE_ERROR(style_loss(Tensor({1, 2, 3, 3}), Tensor({1, 3, 3})), "style_loss");
}
