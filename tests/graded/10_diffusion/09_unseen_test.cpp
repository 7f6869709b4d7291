// Unseen-input tests of chapter 10 (course mode only): shapes and values drawn for each run from its secret,
// matched against the reference's values on the same inputs (tests/harness/graded.hpp, UNSEEN_TEST).
#include <cmath>

#include "chapters/10_diffusion/flow.hpp"
#include "chapters/10_diffusion/guidance.hpp"
#include "chapters/10_diffusion/loss.hpp"
#include "chapters/10_diffusion/samplers.hpp"
#include "chapters/10_diffusion/schedule.hpp"
#include "chapters/10_diffusion/time_embedding.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using wb::grading::between;

UNSEEN_TEST(NoiseSchedule, DrawnLengthsAndBetas) {
    const int T = between(rng, 1, 400);
    const double start = 1e-4 + 0.01 * rng.uniform01(), end = start + 0.05 * rng.uniform01();
    const double offset = 0.02 * rng.uniform01(), max_beta = 0.5 + 0.5 * rng.uniform01();
    EXPECT_MATCHES_REFERENCE(linear_schedule(T, start, end), tol::kForward);
    EXPECT_MATCHES_REFERENCE(cosine_schedule(T, offset, max_beta), tol::kForward);
}

namespace {
/// A schedule of T drawn betas, built here, so that a test checks only its own exercise's code.
NoiseSchedule drawn_schedule(int T, Rng& rng) {
    NoiseSchedule s{Tensor({T}), Tensor({T}), Tensor({T})};
    double product = 1.0;
    for (int t = 0; t < T; ++t) {
        const double beta = 0.01 + 0.2 * rng.uniform01();
        product *= 1.0 - beta;
        s.betas[t] = static_cast<float>(beta), s.alphas[t] = static_cast<float>(1.0 - beta);
        s.alpha_bars[t] = static_cast<float>(product);
    }
    return s;
}
}  // namespace

UNSEEN_TEST(ForwardProcess, DrawnImagesAndSteps) {
    const int N = between(rng, 1, 5), T = between(rng, 2, 60);
    const NoiseSchedule s = drawn_schedule(T, rng);
    const Tensor x0 = Tensor::randn({N, between(rng, 1, 3), between(rng, 1, 4)}, rng), noise = Tensor::randn(x0.shape(), rng);
    const Tensor other = Tensor::randn(x0.shape(), rng);
    Tensor steps({N});
    for (int n = 0; n < N; ++n) steps[n] = static_cast<float>(between(rng, 0, T - 1));
    EXPECT_MATCHES_REFERENCE(add_noise(x0, noise, steps, s), tol::kForward);
    EXPECT_MATCHES_REFERENCE(v_target(x0, noise, steps, s), tol::kForward);
    EXPECT_MATCHES_REFERENCE(x0_from_epsilon(x0, other, steps, s), tol::kForward);
    EXPECT_MATCHES_REFERENCE(x0_from_v(x0, other, steps, s), tol::kForward);
    EXPECT_MATCHES_REFERENCE(epsilon_from_v(x0, other, steps, s), tol::kForward);
}

UNSEEN_TEST(DenoisingLoss, DrawnBatch) {
    const int N = between(rng, 1, 5), T = between(rng, 2, 40);
    const NoiseSchedule s = drawn_schedule(T, rng);
    const Tensor x0 = Tensor::randn({N, between(rng, 1, 3), between(rng, 1, 4)}, rng), noise = Tensor::randn(x0.shape(), rng);
    const Tensor prediction = Tensor::randn(x0.shape(), rng), weights = Tensor::uniform({N}, rng, 0.1f, 2.0f);
    Tensor steps({N});
    for (int n = 0; n < N; ++n) steps[n] = static_cast<float>(between(rng, 0, T - 1));
    const float gamma = 0.5f + 5.0f * rng.uniform01();
    EXPECT_MATCHES_REFERENCE(training_target("v", x0, noise, steps, s), tol::kForward);
    EXPECT_MATCHES_REFERENCE(min_snr_weights("epsilon", steps, s, gamma), tol::kForward);
    EXPECT_MATCHES_REFERENCE(min_snr_weights("v", steps, s, gamma), tol::kForward);
    EXPECT_MATCHES_REFERENCE(denoising_loss(prediction, noise, weights), tol::kForward);
}

UNSEEN_TEST(DdpmStep, DrawnStep) {
    const int T = between(rng, 2, 40), t = between(rng, 0, T - 1);
    const NoiseSchedule s = drawn_schedule(T, rng);
    const Tensor xt = Tensor::randn({between(rng, 1, 3), between(rng, 1, 5)}, rng);
    const Tensor eps = Tensor::randn(xt.shape(), rng), z = Tensor::randn(xt.shape(), rng);
    EXPECT_MATCHES_REFERENCE(ddpm_step(xt, eps, t, s, z, "beta"), tol::kForward);
    EXPECT_MATCHES_REFERENCE(ddpm_step(xt, eps, t, s, z, "posterior"), tol::kForward);
}

UNSEEN_TEST(DdimStep, DrawnSteps) {
    const int T = between(rng, 2, 40), t = between(rng, 1, T - 1), previous = between(rng, -1, t - 1);
    const NoiseSchedule s = drawn_schedule(T, rng);
    const Tensor xt = Tensor::randn({between(rng, 1, 3), between(rng, 1, 5)}, rng);
    const Tensor eps = Tensor::randn(xt.shape(), rng), z = Tensor::randn(xt.shape(), rng);
    const float eta = rng.uniform01();
    EXPECT_MATCHES_REFERENCE(ddim_step(xt, eps, t, previous, s, eta, z), tol::kForward);
}

UNSEEN_TEST(FlowMatching, DrawnTimes) {
    const int N = between(rng, 1, 5);
    const Tensor x0 = Tensor::randn({N, between(rng, 1, 6)}, rng), x1 = Tensor::randn(x0.shape(), rng);
    const Tensor times = Tensor::uniform({N}, rng, 0.0f, 1.0f), v = Tensor::randn(x0.shape(), rng);
    const float t = rng.uniform01(), next = t * rng.uniform01();
    EXPECT_MATCHES_REFERENCE(flow_interpolate(x0, x1, times), tol::kForward);
    EXPECT_MATCHES_REFERENCE(flow_velocity(x0, x1), tol::kForward);
    EXPECT_MATCHES_REFERENCE(flow_euler_step(x0, v, t, next), tol::kForward);
}

UNSEEN_TEST(Guidance, DrawnLabelsAndScale) {
    const int N = between(rng, 1, 8);
    Tensor labels({N});
    for (int n = 0; n < N; ++n) labels[n] = static_cast<float>(between(rng, 0, 9));
    const Tensor uniforms = Tensor::uniform({N}, rng, 0.0f, 1.0f);
    const float p = rng.uniform01(), scale = 8.0f * rng.uniform01();
    const Tensor c = Tensor::randn({N, between(rng, 1, 4)}, rng), u = Tensor::randn(c.shape(), rng);
    EXPECT_MATCHES_REFERENCE(drop_labels(labels, uniforms, p, 10.0f), tol::kExact);
    EXPECT_MATCHES_REFERENCE(guided_prediction(c, u, scale), tol::kForward);
}

UNSEEN_TEST(TimeEmbedding, DrawnStepsAndWidths) {
    const int N = between(rng, 1, 5), T = between(rng, 2, 1000), E = 2 * between(rng, 1, 6), H = between(rng, 1, 8),
              D = between(rng, 1, 6);
    Tensor steps({N});
    for (int n = 0; n < N; ++n) steps[n] = static_cast<float>(between(rng, 0, T - 1));
    const TimeMlp mlp{Tensor::randn({H, E}, rng, 0.5f), Tensor::randn({H}, rng, 0.5f), Tensor::randn({D, H}, rng, 0.5f),
                      Tensor::randn({D}, rng, 0.5f)};
    const Tensor dout = Tensor::randn({N, D}, rng);
    EXPECT_MATCHES_REFERENCE(time_embedding_forward(steps, T, mlp), tol::kForward);
    EXPECT_MATCHES_REFERENCE(time_embedding_backward(dout, steps, T, mlp), tol::kBackward);
}
