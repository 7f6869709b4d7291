// Unseen-input tests of chapter 05 (course mode only): shapes and values drawn for each run from its
// secret, matched against the reference's values on the same inputs (tests/harness/graded.hpp,
// UNSEEN_TEST). A table of the handout's fixed cases cannot pass them.
#include <array>
#include <cstdint>
#include <tuple>
#include <utility>
#include <vector>

#include "chapters/05_gan/augment.hpp"
#include "chapters/05_gan/gan_losses.hpp"
#include "chapters/05_gan/gan_step.hpp"
#include "chapters/05_gan/modes.hpp"
#include "chapters/05_gan/pixel_shuffle.hpp"
#include "chapters/05_gan/style.hpp"
#include "framework/layers.hpp"
#include "tests/graded/05_gan/common.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using namespace gan_test;
using wb::grading::between;

namespace {
/// Logits (N, 1) or (N, M), N(0, 3^2), with `confident` of them moved far past float's sigmoid range
/// (|z| in [120, 400), drawn sign), where a log of a probability is log(0).
Tensor drawn_logits(Rng& rng, int confident) {
    const bool column = rng.below(2) == 0;
    const Shape shape = column ? Shape{between(rng, 2, 8), 1} : Shape{between(rng, 1, 4), between(rng, 2, 5)};
    Tensor z = Tensor::randn(shape, rng, 3.0f);
    for (int i = 0; i < confident; ++i) {
        const std::size_t at = rng.below(z.size());
        const float sign = rng.below(2) == 0 ? -1.0f : 1.0f;
        z[at] = sign * rng.uniform(120.0f, 400.0f);
    }
    return z;
}

/// The Gram matrices of features (N, C, H, W), computed here (not by the learner's gram_matrix).
Tensor gram_of(const Tensor& f) {
    const int N = f.dim(0), C = f.dim(1), H = f.dim(2), W = f.dim(3);
    Tensor g({N, C, C});
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int d = 0; d < C; ++d) {
                double sum = 0.0;
                for (int h = 0; h < H; ++h)
                    for (int w = 0; w < W; ++w) sum += static_cast<double>(f(n, c, h, w)) * f(n, d, h, w);
                g(n, c, d) = static_cast<float>(sum / (C * H * W));
            }
    return g;
}


}  // namespace

UNSEEN_TEST(BceWithLogits, DrawnLogitsAndSoftTargets) {
    const Tensor logits = drawn_logits(rng, between(rng, 1, 2));
    const Tensor targets = Tensor::uniform(logits.shape(), rng, 0.0f, 1.0f);
    EXPECT_MATCHES_REFERENCE(bce_with_logits(logits, targets), tol::kForward);
}

UNSEEN_TEST(DiscriminatorLoss, DrawnBatchesOfTwoSizes) {
    Tensor real = Tensor::randn({between(rng, 2, 8), 1}, rng, 2.0f);
    Tensor fake = Tensor::randn({between(rng, 2, 8), 1}, rng, 2.0f);
    // logits of exactly 0 count as wrong for both accuracies: one in each batch
    real[rng.below(real.size())] = 0.0f;
    fake[rng.below(fake.size())] = 0.0f;
    EXPECT_MATCHES_REFERENCE(discriminator_loss(real, fake), tol::kForward);
}

UNSEEN_TEST(GeneratorLoss, DrawnLogitsBothForms) {
    Tensor fake = drawn_logits(rng, 1);
    const std::size_t rejected = rng.below(fake.size());
    fake[rejected] = -rng.uniform(120.0f, 400.0f);  // a fake D rejects with certainty
    const auto losses = [&] {
        return std::tuple{generator_loss(fake), generator_loss(fake, GeneratorLoss::non_saturating),
                          generator_loss(fake, GeneratorLoss::saturating)};
    };
    EXPECT_MATCHES_REFERENCE(losses(), tol::kForward);
}

UNSEEN_TEST(AlternatingStep, DrawnNetworksAndBatch) {
    const int N = between(rng, 2, 8), dim = between(rng, 1, 3), Z = between(rng, 1, 4), hidden = between(rng, 3, 8);
    const float lr = rng.uniform(0.05f, 0.2f);
    const std::uint64_t init_seed = rng.engine()();  // both networks' initial weights, the same on every side
    const Tensor real = Tensor::randn({N, dim}, rng, 1.5f, 1.0f), noise = Tensor::randn({N, Z}, rng);
    // one step from the same initial networks, with the default (non-saturating) and the saturating loss
    const auto step = [&](bool saturating) {
        Rng init(init_seed);
        Sequential G = mlp(Z, hidden, dim, init), D = mlp(dim, hidden, 1, init);
        SGD g_opt(lr), d_opt(lr);
        const GanStepStats stats = saturating ? gan_train_step(G, D, real, noise, g_opt, d_opt, GeneratorLoss::saturating)
                                              : gan_train_step(G, D, real, noise, g_opt, d_opt);
        return StepOutcome{stats, param_values(G), param_values(D)};
    };
    EXPECT_MATCHES_REFERENCE(step(false), tol::kBackward);
    EXPECT_MATCHES_REFERENCE(step(true), tol::kBackward);
}

UNSEEN_TEST(ModeCoverage, DrawnModesSamplesAndRadius) {
    // Integer centres (on a grid of step 8) and a radius of 5, 10 or 13: samples exactly on a radius
    // (offsets 3-4-5, 6-8-10, 5-12-13) or halfway between two centres are exact in float, so the
    // contract's edges (distance == radius counts, a tie goes to the lower index) are drawn too.
    constexpr std::array<std::array<int, 3>, 3> kTriples{{{5, 3, 4}, {10, 6, 8}, {13, 5, 12}}};
    const auto [r, a, b] = kTriples[rng.below(3)];
    const float radius = static_cast<float>(r);
    const int K = between(rng, 3, 8);
    std::vector<std::pair<int, int>> cells;
    while (static_cast<int>(cells.size()) < K) {
        const std::pair<int, int> cell{8 * between(rng, -2, 2), 8 * between(rng, -2, 2)};
        bool taken = false;
        for (const auto& c : cells) taken = taken || c == cell;
        if (!taken) cells.push_back(cell);
    }
    Tensor centres({K, 2});
    for (int k = 0; k < K; ++k) centres(k, 0) = static_cast<float>(cells[k].first), centres(k, 1) = static_cast<float>(cells[k].second);
    const int N = between(rng, 30, 80);
    Tensor samples({N, 2});
    for (int i = 0; i < N; ++i) {
        const int k = static_cast<int>(rng.below(static_cast<std::uint64_t>(K)));
        const float cx = centres(k, 0), cy = centres(k, 1);
        switch (rng.below(4)) {
            case 0:  // near a mode, inside or outside its radius
                samples(i, 0) = cx + 0.6f * radius * rng.normal(), samples(i, 1) = cy + 0.6f * radius * rng.normal();
                break;
            case 1: {  // exactly on the radius
                const bool swap = rng.below(2) == 1;
                const float sx = rng.below(2) == 1 ? 1.0f : -1.0f, sy = rng.below(2) == 1 ? 1.0f : -1.0f;
                samples(i, 0) = cx + sx * static_cast<float>(swap ? b : a), samples(i, 1) = cy + sy * static_cast<float>(swap ? a : b);
                break;
            }
            case 2: {  // halfway to the nearest other centre: a tie
                int nearest = -1;
                float best = 0.0f;
                for (int j = 0; j < K; ++j) {
                    const float dx = centres(j, 0) - cx, dy = centres(j, 1) - cy, d2 = dx * dx + dy * dy;
                    if (j != k && (nearest < 0 || d2 < best)) nearest = j, best = d2;
                }
                samples(i, 0) = (cx + centres(nearest, 0)) / 2, samples(i, 1) = (cy + centres(nearest, 1)) / 2;
                break;
            }
            default:  // anywhere, mostly off-mode
                samples(i, 0) = rng.uniform(-40.0f, 40.0f), samples(i, 1) = rng.uniform(-40.0f, 40.0f);
        }
    }
    const int min_count = between(rng, 1, 4);
    EXPECT_MATCHES_REFERENCE(mode_coverage(samples, centres, radius, min_count), tol::kForward);
}

UNSEEN_TEST(GramMatrix, DrawnFeatureMaps) {
    const Tensor features = Tensor::randn({between(rng, 2, 3), between(rng, 2, 4), between(rng, 1, 4), between(rng, 1, 5)}, rng);
    EXPECT_MATCHES_REFERENCE(gram_matrix(features), tol::kForward);
}

UNSEEN_TEST(StyleLoss, DrawnFeaturesAndTarget) {
    const Shape shape{between(rng, 1, 3), between(rng, 2, 4), between(rng, 1, 4), between(rng, 1, 5)};
    const Tensor features = Tensor::randn(shape, rng);
    const Tensor target = gram_of(Tensor::randn(shape, rng, 1.5f));  // another image's style
    EXPECT_MATCHES_REFERENCE(style_loss(features, target), tol::kBackward);
}

UNSEEN_TEST(PixelShuffle, DrawnFactorAndChannels) {
    const int r = between(rng, 2, 3);
    // two or three output channels: their r^2 sub-pixels are consecutive input channels, not strided ones
    const Tensor x = Tensor::randn({between(rng, 1, 2), r * r * between(rng, 2, 3), between(rng, 1, 3), between(rng, 1, 4)}, rng);
    EXPECT_MATCHES_REFERENCE(pixel_shuffle(x, r), tol::kExact);
}

UNSEEN_TEST(PixelShuffleBackward, DrawnFactorAndChannels) {
    const int r = between(rng, 2, 3);
    const Tensor dout = Tensor::randn({between(rng, 1, 2), between(rng, 2, 3), r * between(rng, 1, 3), r * between(rng, 1, 4)}, rng);
    EXPECT_MATCHES_REFERENCE(pixel_shuffle_backward(dout, r), tol::kExact);
}

UNSEEN_TEST(FlipAndShift, DrawnImagesAndShifts) {
    const Tensor x = Tensor::randn({between(rng, 1, 3), between(rng, 1, 3), between(rng, 2, 6), between(rng, 2, 7)}, rng);
    const int H = x.dim(2), W = x.dim(3);
    EXPECT_MATCHES_REFERENCE(flip_horizontal(x), tol::kExact);
    // a shift that keeps part of the image (dy != 0), then one drawn anywhere, out of the image too
    const int dy_sign = rng.below(2) == 1 ? 1 : -1;
    const int dy = dy_sign * between(rng, 1, H - 1), dx = between(rng, -(W - 1), W - 1);
    EXPECT_MATCHES_REFERENCE(shift_image(x, dy, dx), tol::kExact);
    const int far_dy = between(rng, -H - 1, H + 1), far_dx = between(rng, -W - 1, W + 1);
    EXPECT_MATCHES_REFERENCE(shift_image(x, far_dy, far_dx), tol::kExact);
}

UNSEEN_TEST(AugmentPipeline, DrawnOptionsAndSeed) {
    const Tensor x = Tensor::randn({between(rng, 3, 6), between(rng, 1, 2), between(rng, 3, 6), between(rng, 3, 6)}, rng);
    const AugmentOptions noisy{rng.uniform(0.2f, 0.8f), between(rng, 1, 2), rng.uniform(0.05f, 0.5f)};
    const AugmentOptions clean{rng.uniform(0.2f, 0.8f), between(rng, 0, 2), 0.0f};
    const std::uint64_t seed = rng.engine()();
    // the images, and the generator's next draw: augment must take exactly the contract's draws
    const auto augmented = [&](const AugmentOptions& options) {
        Rng draws(seed);
        const Tensor out = augment(x, options, draws);
        return std::pair{out, draws.below(1u << 30)};
    };
    EXPECT_MATCHES_REFERENCE(augmented(noisy), tol::kForward);
    EXPECT_MATCHES_REFERENCE(augmented(clean), tol::kForward);
}
