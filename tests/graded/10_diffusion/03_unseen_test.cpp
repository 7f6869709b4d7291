// Unseen-input tests of chapter 10 (course mode only): shapes and values drawn for each run from its secret,
// matched against the reference's values on the same inputs (tests/harness/graded.hpp, UNSEEN_TEST).
#include <cmath>

#include "chapters/10_diffusion/schedule.hpp"
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

UNSEEN_TEST(ForwardProcess, DrawnImagesAndSteps) {
    const int N = between(rng, 1, 5), T = between(rng, 2, 60);
    NoiseSchedule s{Tensor({T}), Tensor({T}), Tensor({T})};
    double product = 1.0;
    for (int t = 0; t < T; ++t) {  // a schedule built here, so that only this exercise's code is checked
        const double beta = 0.01 + 0.2 * rng.uniform01();
        product *= 1.0 - beta;
        s.betas[t] = static_cast<float>(beta), s.alphas[t] = static_cast<float>(1.0 - beta);
        s.alpha_bars[t] = static_cast<float>(product);
    }
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
