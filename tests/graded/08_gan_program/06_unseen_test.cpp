// Unseen-input tests of chapter 08 (course mode only): noise, images, feature sets, logits and seeds drawn
// for each run from its secret, matched against the reference's values on the same inputs
// (tests/harness/graded.hpp, UNSEEN_TEST). A table of the handout's fixed cases cannot pass them.
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "chapters/08_gan_program/gan_data.hpp"
#include "chapters/08_gan_program/gan_models.hpp"
#include "chapters/08_gan_program/mmd.hpp"
#include "chapters/08_gan_program/quality.hpp"
#include "tests/harness/graded.hpp"
#include "tests/harness/sequential_views.hpp"

using namespace wb;
using wb::graded::layer_names;
using wb::grading::between;

namespace {
/// Two logits equal up to float rounding (a logit that depends on other rows moves by far more).
bool same_logit(float a, float b) { return std::abs(a - b) <= 1e-5f; }

/// n feature vectors z L + mu of F features: z ~ N(0, I), L a drawn mixing matrix whose diagonal dominates
/// (a well-conditioned covariance), mu drawn.
Tensor drawn_features(Rng& rng, int n, int F) {
    Tensor mix = Tensor::randn({F, F}, rng, 0.3f);
    for (int i = 0; i < F; ++i) mix(i, i) += rng.uniform(0.5f, 2.0f);
    const Tensor mean = Tensor::randn({F}, rng), z = Tensor::randn({n, F}, rng);
    Tensor x({n, F});
    for (int r = 0; r < n; ++r)
        for (int j = 0; j < F; ++j) {
            x(r, j) = mean[j];
            for (int i = 0; i < F; ++i) x(r, j) += z(r, i) * mix(i, j);
        }
    return x;
}

/// The first largest entry of row n of logits (N, K), computed here.
int first_argmax(const Tensor& logits, int n) {
    int best = 0;
    for (int k = 1; k < logits.dim(1); ++k) best = logits(n, k) > logits(n, best) ? k : best;
    return best;
}
}  // namespace

UNSEEN_TEST(GanModels, DrawnNoiseAndBatches) {
    const std::uint64_t seed = rng.below(1 << 30);
    const int N = between(rng, 1, 6);
    const float spread = rng.uniform(0.5f, 4.0f);
    const Tensor z = Tensor::randn({N, kNoiseSize}, rng, spread);
    // G's layers, parameter count, images' shape, and whether every pixel is in [-1, 1]
    const auto generator = [&] {
        Rng init(seed);
        Sequential g = build_generator(init);
        const Tensor images = g.forward(z);
        bool in_range = true;
        for (const float v : images) in_range = in_range && v >= -1.0f && v <= 1.0f;
        return std::tuple{layer_names(g), g.parameter_count(), images.shape(), in_range};
    };
    EXPECT_MATCHES_REFERENCE(generator(), tol::kExact);

    // a batch of 2 or 3 groups of kStddevGroup images, and the same batch with its last group made of copies of
    // that group's first image (no spread at all there)
    const int rows = between(rng, 2, 3) * kStddevGroup, last = rows - kStddevGroup, pixels = 28 * 28;
    const Tensor batch = Tensor::uniform({rows, 1, 28, 28}, rng, -1.0f, 1.0f);
    Tensor alike = batch;
    for (int n = last + 1; n < rows; ++n)
        for (int i = 0; i < pixels; ++i) alike[static_cast<std::size_t>(n) * pixels + i] = batch[static_cast<std::size_t>(last) * pixels + i];
    // the source's D: layers, parameter count, logits' shape
    const auto source = [&] {
        Rng init(seed);
        Sequential d = build_discriminator(init, false);
        return std::tuple{layer_names(d), d.parameter_count(), d.forward(batch).shape()};
    };
    EXPECT_MATCHES_REFERENCE(source(), tol::kExact);
    // D with the spread features: layers, parameter count, logits' shape; whether the other groups' logits stay
    // as they were (each group is measured apart), and whether the copied image's logit moved (it sees its
    // group's spread)
    const auto with_spread = [&] {
        Rng init(seed);
        Sequential d = build_discriminator(init);
        const Tensor a = d.forward(batch), b = d.forward(alike);
        const bool shaped = a.shape() == Shape{rows, 1} && b.shape() == Shape{rows, 1};
        bool others_kept = shaped;
        for (int n = 0; others_kept && n < last; ++n) others_kept = same_logit(a[n], b[n]);
        const bool moved = shaped && !same_logit(a[last], b[last]);
        return std::tuple{layer_names(d), d.parameter_count(), a.shape(), others_kept, moved};
    };
    EXPECT_MATCHES_REFERENCE(with_spread(), tol::kExact);
}

UNSEEN_TEST(TanhRange, DrawnImages) {
    Shape shape;
    for (int rank = between(rng, 1, 4); rank > 0; --rank) shape.push_back(between(rng, 1, 5));
    const Tensor images = Tensor::uniform(shape, rng, 0.0f, 1.0f);
    EXPECT_MATCHES_REFERENCE(to_tanh_range(images), tol::kExact);
    // a generator's output, overshooting [-1, 1] here and there (the first value always)
    Tensor generated = Tensor::uniform(shape, rng, -1.3f, 1.3f);
    generated[0] = rng.uniform(1.05f, 1.3f);
    EXPECT_MATCHES_REFERENCE(from_tanh_range(generated), tol::kExact);
}

UNSEEN_TEST(FrechetDistance, DrawnFeatureSets) {
    const int F = between(rng, 1, 5);
    const int N = between(rng, 2 * F + 4, 4 * F + 10), M = between(rng, 2 * F + 4, 4 * F + 10);
    const Tensor a = drawn_features(rng, N, F), b = drawn_features(rng, M, F);
    EXPECT_MATCHES_REFERENCE(frechet_distance(a, b), tol::kForward);
}

UNSEEN_TEST(ClassShares, DrawnLogitsWithTies) {
    const int N = between(rng, 3, 20), K = between(rng, 2, 8);
    Tensor logits = Tensor::randn({N, K}, rng, 2.0f, -1.0f);
    // row 0: all negative, the first the largest (the largest, not the largest positive)
    const float top = logits(0, first_argmax(logits, 0)), margin = rng.uniform(0.1f, 2.0f);
    logits(0, 0) = top + margin;
    for (int k = 0; k < K; ++k) logits(0, k) -= top + 2 * margin;
    // row 1 and about one row in four: the largest value twice (the first one wins)
    for (int n = 1; n < N; ++n) {
        if (n > 1 && rng.below(4) != 0) continue;
        const int best = first_argmax(logits, n), other = (best + between(rng, 1, K - 1)) % K;
        logits(n, other) = logits(n, best);
    }
    EXPECT_MATCHES_REFERENCE(class_shares(logits), tol::kForward);
}

UNSEEN_TEST(MmdLoss, DrawnImageSetsAndBandwidths) {
    // samples (N, C, H, W) against targets (M, C H, W) or (M, C H W): rows of P = C H W values
    const int N = between(rng, 2, 6), M = between(rng, 2, 6);
    const int C = between(rng, 1, 2), H = between(rng, 2, 3), W = between(rng, 2, 3);
    const Tensor samples = Tensor::randn({N, C, H, W}, rng, 0.8f, 0.3f);
    const Shape target_shape = rng.below(2) == 0 ? Shape{M, C * H, W} : Shape{M, C * H * W};
    const Tensor targets = Tensor::randn(target_shape, rng);
    std::vector<float> bandwidths;
    for (int count = between(rng, 1, 3); count > 0; --count) bandwidths.push_back(rng.uniform(1.0f, 4.0f));
    EXPECT_MATCHES_REFERENCE(mmd_loss(samples, targets, bandwidths).loss, tol::kForward);
    EXPECT_MATCHES_REFERENCE(mmd_loss(samples, targets, bandwidths).grad, tol::kBackward);
}
