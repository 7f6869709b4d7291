// Graded tests for exercise FlipAndShift.
#include "chapters/05_gan/augment.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(FlipAndShift, FlipMirrorsEveryRow, 2, "out[n, c, h, w] = x[n, c, h, W - 1 - w]: the columns reverse, the rows stay.") {
    const Tensor x({2, 1, 2, 3}, {1, 2, 3, 4, 5, 6, /* image 1 */ 7, 8, 9, 10, 11, 12});
    EXPECT_TENSOR_NEAR(LEARNER(flip_horizontal(x)), Tensor({2, 1, 2, 3}, {3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}), tol::kExact);
    EXPECT_TENSOR_NEAR(LEARNER(flip_horizontal(flip_horizontal(x))), x, tol::kExact) << "two flips give the image back";
}

GRADED_TEST(FlipAndShift, ShiftMovesContentAndFillsZeros, 2,
            "out[h, w] = x[h - dy, w - dx] inside the image, 0 elsewhere: positive dy moves down, positive dx right.") {
    const Tensor x({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
    EXPECT_TENSOR_NEAR(LEARNER(shift_image(x, 1, -1)), Tensor({1, 1, 3, 3}, {0, 0, 0, 2, 3, 0, 5, 6, 0}), tol::kExact);
    EXPECT_TENSOR_NEAR(LEARNER(shift_image(x, 0, 0)), x, tol::kExact);
    EXPECT_TENSOR_NEAR(LEARNER(shift_image(x, -3, 0)), Tensor({1, 1, 3, 3}), tol::kExact) << "shifted out entirely: all zeros";
}

GRADED_TEST(FlipAndShift, RejectsImagesOfTheWrongRank, 1, "Images are (N, C, H, W); name the function in the ShapeError.") {
    EXPECT_SHAPE_ERROR(flip_horizontal(Tensor({3, 3})), "flip_horizontal");
    EXPECT_SHAPE_ERROR(shift_image(Tensor({1, 3, 3}), 1, 1), "shift_image");
}
