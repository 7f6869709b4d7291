// Graded tests for exercise MaxPoolBackward. Goldens: tests/fixtures/04_cnn/pool_*.wbt (autograd).
#include "chapters/04_cnn/pool.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(MaxPoolBackward, MatchesAutograd, 2, "Only each window's winner gets that window's gradient; everything else is 0.") {
    for (const char* name : {"pool_2x2", "pool_2x2_ties"}) {
        SCOPED_TRACE(name);
        const auto g = fixtures::load("04_cnn", name);
        const MaxPoolResult r = LEARNER(maxpool2d_forward(g["x"], g.integer("kernel"), g.integer("stride")));
        EXPECT_TENSOR_NEAR(LEARNER(maxpool2d_backward(g["dout"], r.cache)), g["dx"], tol::kExact);
    }
}

GRADED_TEST(MaxPoolBackward, OverlappingWindowsAccumulate, 2,
            "With stride < kernel one input can win several windows: add (+=), do not overwrite.") {
    const auto g = fixtures::load("04_cnn", "pool_3x3_stride2_ties");
    const MaxPoolResult r = LEARNER(maxpool2d_forward(g["x"], 3, 2));
    EXPECT_TENSOR_NEAR(LEARNER(maxpool2d_backward(g["dout"], r.cache)), g["dx"], tol::kForward);
}

GRADED_TEST(MaxPoolBackward, RejectsWrongDout, 1, "dout must have one value per pooled output.") {
    const auto g = fixtures::load("04_cnn", "pool_2x2");
    const MaxPoolResult r = LEARNER(maxpool2d_forward(g["x"], 2, 2));
    EXPECT_SHAPE_ERROR(maxpool2d_backward(Tensor({2, 3, 2, 2}), r.cache), "maxpool2d_backward");
}
