// Graded tests for exercise ClipGradNorm. Goldens: tests/fixtures/03_lstm/clip_*.wbt (torch.nn.utils.clip_grad_norm_).
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/03_lstm/clip.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

/// The golden's gradients grad0, grad1, ... as Params (values unused), in that order.
struct GradSet {
    std::vector<Tensor> values, grads;
    std::vector<Param> params() {
        std::vector<Param> out;
        for (std::size_t k = 0; k < grads.size(); ++k) out.push_back({"p" + std::to_string(k), &values[k], &grads[k]});
        return out;
    }
};

static GradSet grads_of(const fixtures::Golden& g) {
    GradSet set;
    for (int k = 0; g.has("grad" + std::to_string(k)); ++k) {
        set.grads.push_back(g["grad" + std::to_string(k)]);
        set.values.push_back(Tensor(g["grad" + std::to_string(k)].shape()));
    }
    return set;
}

static void expect_clip_matches(const char* fixture) {
    const auto g = fixtures::load("03_lstm", fixture);
    GradSet set = grads_of(g);
    const float norm = clip_grad_norm(set.params(), g.scalar("max_norm"));
    EXPECT_NEAR(norm, g.scalar("norm"), 1e-4 * g.scalar("norm")) << "the returned norm is the global norm before clipping";
    for (std::size_t k = 0; k < set.grads.size(); ++k)
        EXPECT_TENSOR_NEAR(set.grads[k], g["clipped" + std::to_string(k)], tol::kForward) << "gradient " << k;
}

GRADED_TEST(ClipGradNorm, MatchesTorchWhenClipping, 2,
            "n = sqrt of the sum of squares over all gradients together; scale every gradient by min(1, max_norm / (n + 1e-6)).") {
    expect_clip_matches("clip_scaled");
}

GRADED_TEST(ClipGradNorm, LeavesSmallGradientsAlone, 1, "Below max_norm the factor is capped at 1: the gradients stay exactly as they were.") {
    expect_clip_matches("clip_untouched");
}

GRADED_TEST(ClipGradNorm, OneFactorForAllTensors, 2,
            "Clip by the global norm, not tensor by tensor: [3] and [4] with max_norm 1 become [0.6] and [0.8], not [1] and [1].") {
    GradSet set{{Tensor({1}), Tensor({1})}, {Tensor({1}, {3.0f}), Tensor({1}, {4.0f})}};
    const float norm = clip_grad_norm(set.params(), 1.0f);
    EXPECT_NEAR(norm, 5.0f, 1e-6);
    EXPECT_NEAR(set.grads[0][0], 0.6f, 1e-6);
    EXPECT_NEAR(set.grads[1][0], 0.8f, 1e-6);
}

GRADED_TEST(ClipGradNorm, ZeroGradientsAndBadMaxNorm, 1,
            "A zero gradient has norm 0 and must stay 0 (no 0/0); max_norm <= 0 throws std::invalid_argument.") {
    GradSet set{{Tensor({2, 2})}, {Tensor({2, 2})}};
    EXPECT_EQ(clip_grad_norm(set.params(), 1.0f), 0.0f);
    for (float v : set.grads[0]) EXPECT_EQ(v, 0.0f);
    GradSet none;
    EXPECT_EQ(clip_grad_norm(none.params(), 1.0f), 0.0f) << "no parameters: norm 0";
    EXPECT_THROW(clip_grad_norm(set.params(), 0.0f), std::invalid_argument);
    EXPECT_THROW(clip_grad_norm(set.params(), -1.0f), std::invalid_argument);
}
