// Graded tests for exercise AugmentPipeline.
#include <cmath>
#include <set>
#include <stdexcept>
#include <utility>

#include "chapters/05_gan/augment.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(AugmentPipeline, FollowsTheContractDrawForDraw, 3,
            "Per image: uniform01 for the flip, below(2s + 1) for dy then dx, then one normal() per value; flip, shift, add noise.") {
    Rng data(1);
    const Tensor x = Tensor::randn({6, 2, 4, 5}, data);
    // with noise, and without: then no normal() may be drawn, or the later images' flips and shifts move
    for (const AugmentOptions o : {AugmentOptions{0.5f, 1, 0.1f}, AugmentOptions{0.5f, 1, 0.0f}}) {
        Rng rng(42), again(42);
        const Tensor out = LEARNER(augment(x, o, rng));
        ASSERT_EQ(out.shape(), x.shape());
        int flips = 0;
        for (int n = 0; n < x.dim(0); ++n) {
            Tensor image = slice_rows(x, n, n + 1);
            const bool flip = again.uniform01() < o.flip_probability;
            flips += flip;
            if (flip) image = LEARNER(flip_horizontal(image));
            const int dy = static_cast<int>(again.below(3)) - 1, dx = static_cast<int>(again.below(3)) - 1;
            image = LEARNER(shift_image(image, dy, dx));
            if (o.noise_std > 0.0f)
                for (float& v : image) v += o.noise_std * again.normal();
            EXPECT_TENSOR_NEAR(slice_rows(out, n, n + 1), image, tol::kExact) << "image " << n << ", noise_std " << o.noise_std;
        }
        // the case's premise: both flips and non-flips occur, so a shifted order of draws shows
        EXPECT_TRUE(flips > 0 && flips < x.dim(0)) << "flips " << flips << " of " << x.dim(0);
    }
}

GRADED_TEST(AugmentPipeline, NothingAskedNothingChanged, 1, "With p = 0, max_shift = 0 and no noise the images come back as they were.") {
    Rng data(2), rng(3);
    const Tensor x = Tensor::randn({2, 1, 3, 4}, data);
    EXPECT_TENSOR_NEAR(LEARNER(augment(x, {0.0f, 0, 0.0f}, rng)), x, tol::kExact);
    const Tensor flipped = LEARNER(flip_horizontal(x));
    EXPECT_TENSOR_NEAR(LEARNER(augment(x, {1.0f, 0, 0.0f}, rng)), flipped, tol::kExact) << "p = 1 always flips";
}

// Two marked pixels tell each output's flip and shift apart: 1 at (4, 3) and 2 at (4, 4) of a 9 x 9 image.
GRADED_TEST(AugmentPipeline, FlipsAboutHalfAndShiftsWithinTheRange, 2,
            "Every (dy, dx) in [-s, s]^2 must occur and none outside it; p = 0.5 flips about half of the images.") {
    const int N = 600;
    Tensor x({N, 1, 9, 9});
    for (int n = 0; n < N; ++n) x(n, 0, 4, 3) = 1.0f, x(n, 0, 4, 4) = 2.0f;
    Rng rng(4);
    const Tensor out = LEARNER(augment(x, {0.5f, 2, 0.0f}, rng));
    int flipped = 0;
    std::set<std::pair<int, int>> shifts;
    for (int n = 0; n < N; ++n) {
        int one_h = -1, one_w = -1, two_h = -1, two_w = -1;
        for (int h = 0; h < 9; ++h)
            for (int w = 0; w < 9; ++w) {
                if (out(n, 0, h, w) == 1.0f) one_h = h, one_w = w;
                if (out(n, 0, h, w) == 2.0f) two_h = h, two_w = w;
            }
        ASSERT_GE(two_h, 0) << "image " << n << ": the centre pixel left the image (shift beyond 2?)";
        ASSERT_GE(one_h, 0) << "image " << n;
        ASSERT_EQ(one_h, two_h) << "image " << n << ": the two pixels must stay side by side";
        flipped += one_w > two_w;
        shifts.insert({two_h - 4, two_w - 4});
    }
    EXPECT_GT(flipped, N * 0.42) << "flipped " << flipped << " of " << N;
    EXPECT_LT(flipped, N * 0.58) << "flipped " << flipped << " of " << N;
    EXPECT_EQ(shifts.size(), 25u) << "every (dy, dx) in [-2, 2]^2 should occur in 600 images";
    for (const auto& [dy, dx] : shifts) EXPECT_TRUE(std::abs(dy) <= 2 && std::abs(dx) <= 2) << dy << ", " << dx;
}

GRADED_TEST(AugmentPipeline, NoiseHasTheRequestedSpread, 1, "Add noise_std * rng.normal() to every value: mean 0, standard deviation noise_std.") {
    Rng rng(5);
    const Tensor out = LEARNER(augment(Tensor({50, 1, 8, 8}), {0.0f, 0, 0.5f}, rng));
    double sum = 0, sq = 0;
    for (float v : out) sum += v, sq += static_cast<double>(v) * v;
    const double mean = sum / out.size(), sd = std::sqrt(sq / out.size() - mean * mean);
    EXPECT_NEAR(mean, 0.0, 0.03);
    EXPECT_NEAR(sd, 0.5, 0.03);
}

GRADED_TEST(AugmentPipeline, RejectsBadInput, 1,
            "Rank 4 only (ShapeError naming augment); flip_probability outside [0, 1] or a negative shift or noise: std::invalid_argument.") {
    Rng rng(6);
    EXPECT_TENSOR_NEAR(LEARNER(augment(Tensor({1, 1, 2, 2}, 1.0f), {0.0f, 0, 0.0f}, rng)), Tensor({1, 1, 2, 2}, 1.0f), tol::kExact);
    EXPECT_SHAPE_ERROR(augment(Tensor({2, 2}), {}, rng), "augment");
    EXPECT_THROW(augment(Tensor({1, 1, 2, 2}), {1.5f, 0, 0.0f}, rng), std::invalid_argument);
    EXPECT_THROW(augment(Tensor({1, 1, 2, 2}), {0.5f, -1, 0.0f}, rng), std::invalid_argument);
    EXPECT_THROW(augment(Tensor({1, 1, 2, 2}), {0.5f, 1, -0.1f}, rng), std::invalid_argument);
}
