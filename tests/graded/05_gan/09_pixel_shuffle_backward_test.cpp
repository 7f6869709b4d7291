// Graded tests for exercise PixelShuffleBackward. Goldens: tests/fixtures/05_gan/pixel_shuffle_r*.wbt (autograd).
#include "chapters/05_gan/pixel_shuffle.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(PixelShuffleBackward, MatchesAutograd, 2, "dx[n, c r^2 + i r + j, h, w] = dout[n, c, h r + i, w r + j].") {
    for (const char* name : {"pixel_shuffle_r2", "pixel_shuffle_r3"}) {
        const auto g = fixtures::load("05_gan", name);
        EXPECT_TENSOR_NEAR(LEARNER(pixel_shuffle_backward(g["dout"], g.integer("r"))), g["dx"], tol::kExact) << name;
    }
}

GRADED_TEST(PixelShuffleBackward, UndoesTheForwardPass, 1, "A pure rearrangement: backward(forward(x)) gives x back, value for value.") {
    Rng rng(9);
    const Tensor x = Tensor::randn({2, 18, 3, 2}, rng);
    EXPECT_TENSOR_NEAR(LEARNER(pixel_shuffle_backward(pixel_shuffle(x, 3), 3)), x, tol::kExact);
}

GRADED_TEST(PixelShuffleBackward, RejectsSizesThatRDoesNotDivide, 1, "dout's height and width must be multiples of r; name pixel_shuffle_backward.") {
    EXPECT_SHAPE_ERROR(pixel_shuffle_backward(Tensor({1, 1, 3, 4}), 2), "pixel_shuffle_backward");
    EXPECT_SHAPE_ERROR(pixel_shuffle_backward(Tensor({1, 1, 4, 4}), 0), "pixel_shuffle_backward");
}
