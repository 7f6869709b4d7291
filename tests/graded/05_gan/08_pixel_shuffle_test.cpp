// Graded tests for exercise PixelShuffle. Goldens: tests/fixtures/05_gan/pixel_shuffle_r*.wbt (F.pixel_shuffle).
#include "chapters/05_gan/pixel_shuffle.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(PixelShuffle, MatchesTorch, 3, "out[n, c, h r + i, w r + j] = x[n, c r^2 + i r + j, h, w]; check r = 3 as well as 2.") {
    for (const char* name : {"pixel_shuffle_r2", "pixel_shuffle_r3"}) {
        const auto g = fixtures::load("05_gan", name);
        EXPECT_TENSOR_NEAR(LEARNER(pixel_shuffle(g["x"], g.integer("r"))), g["out"], tol::kExact) << name;
    }
}

GRADED_TEST(PixelShuffle, FourChannelsBecomeATwoByTwoBlock, 1, "x (1, 4, 1, 1) = [a, b, c, d] with r = 2 is the image [[a, b], [c, d]].") {
    EXPECT_TENSOR_NEAR(LEARNER(pixel_shuffle(Tensor({1, 4, 1, 1}, {1, 2, 3, 4}), 2)), Tensor({1, 1, 2, 2}, {1, 2, 3, 4}), tol::kExact);
    const Tensor same({1, 3, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    EXPECT_TENSOR_NEAR(LEARNER(pixel_shuffle(same, 1)), same, tol::kExact) << "r = 1 changes nothing";
}

GRADED_TEST(PixelShuffle, RejectsChannelsThatRSquaredDoesNotDivide, 1, "r^2 must divide the channels and r >= 1; name pixel_shuffle.") {
    EXPECT_SHAPE_ERROR(pixel_shuffle(Tensor({1, 6, 2, 2}), 2), "pixel_shuffle");
    EXPECT_SHAPE_ERROR(pixel_shuffle(Tensor({1, 4, 2, 2}), 0), "pixel_shuffle");
    EXPECT_SHAPE_ERROR(pixel_shuffle(Tensor({4, 2, 2}), 2), "pixel_shuffle");
}
