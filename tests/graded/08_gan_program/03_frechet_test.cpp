// Graded tests for exercise FrechetDistance. Goldens: tests/fixtures/08_gan_program/frechet.wbt (torch, float64).
#include <cmath>

#include "chapters/08_gan_program/quality.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(FrechetDistance, MatchesTorch, 3,
            "|mu_a - mu_b|^2 + Tr(S_a + S_b - 2 sqrt(R S_b R)), R = sqrt(S_a); covariances over N - 1; in double.") {
    const auto g = fixtures::load("08_gan_program", "frechet");
    EXPECT_NEAR(LEARNER(frechet_distance(g["a"], g["b"])), g.scalar("distance"), 1e-4 * g.scalar("distance"));
}

GRADED_TEST(FrechetDistance, ZeroForTheSameSetAndMeanShiftForAShift, 2,
            "The same set gives 0; every row moved by v keeps the covariance and gives exactly |v|^2.") {
    const auto g = fixtures::load("08_gan_program", "frechet");
    const Tensor& a = g["a"];
    EXPECT_NEAR(LEARNER(frechet_distance(a, a)), 0.0, 1e-6);
    Tensor shifted = a;
    for (int n = 0; n < a.dim(0); ++n) shifted(n, 0) += 3.0f, shifted(n, 2) -= 4.0f;
    EXPECT_NEAR(LEARNER(frechet_distance(a, shifted)), 25.0, 1e-3);
    EXPECT_NEAR(LEARNER(frechet_distance(shifted, a)), 25.0, 1e-3) << "the distance is symmetric";
}

GRADED_TEST(FrechetDistance, RejectsMismatchedFeatures, 1, "Both sets need the same feature size and at least 2 rows; name frechet_distance.") {
    EXPECT_SHAPE_ERROR(frechet_distance(Tensor({5, 3}), Tensor({5, 4})), "frechet_distance");
    EXPECT_SHAPE_ERROR(frechet_distance(Tensor({1, 3}), Tensor({5, 3})), "frechet_distance");
}
