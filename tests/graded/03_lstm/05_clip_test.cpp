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

/// What clip_grad_norm returns, and the gradients it leaves behind: handed over together.
struct Clipped {
    float norm;
    std::vector<Tensor> grads;
};

/// Clips its own copy of the set (the learner's side runs it; LEARNER(clip(...)) hands both over).
static inline Clipped clip(GradSet set, float max_norm) {
    const float norm = clip_grad_norm(set.params(), max_norm);
    return {norm, set.grads};
}

static void expect_clip_matches(const char* fixture) {
    const auto g = fixtures::load("03_lstm", fixture);
    const Clipped c = LEARNER(clip(grads_of(g), g.scalar("max_norm")));
    EXPECT_NEAR(c.norm, g.scalar("norm"), 1e-4 * g.scalar("norm")) << "the returned norm is the global norm before clipping";
    ASSERT_EQ(c.grads.size(), grads_of(g).grads.size());
    for (std::size_t k = 0; k < c.grads.size(); ++k)
        EXPECT_TENSOR_NEAR(c.grads[k], g["clipped" + std::to_string(k)], tol::kForward) << "gradient " << k;
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
    const GradSet set{{Tensor({1}), Tensor({1})}, {Tensor({1}, {3.0f}), Tensor({1}, {4.0f})}};
    const Clipped c = LEARNER(clip(set, 1.0f));
    EXPECT_NEAR(c.norm, 5.0f, 1e-6);
    ASSERT_EQ(c.grads.size(), 2u);
    EXPECT_TENSOR_NEAR(c.grads[0], Tensor({1}, {0.6f}), tol::kExact);
    EXPECT_TENSOR_NEAR(c.grads[1], Tensor({1}, {0.8f}), tol::kExact);
}

GRADED_TEST(ClipGradNorm, ZeroGradientsAndBadMaxNorm, 1,
            "A zero gradient has norm 0 and must stay 0 (no 0/0); max_norm <= 0 throws std::invalid_argument.") {
    GradSet set{{Tensor({2, 2})}, {Tensor({2, 2})}};
    const Clipped zero = LEARNER(clip(set, 1.0f));
    EXPECT_EQ(zero.norm, 0.0f);
    ASSERT_EQ(zero.grads.size(), 1u);
    EXPECT_EQ(zero.grads[0].values(), Tensor({2, 2}).values()) << "a zero gradient stays exactly 0 (no 0/0)";
    EXPECT_EQ(LEARNER(clip(GradSet{}, 1.0f)).norm, 0.0f) << "no parameters: norm 0";
    EXPECT_THROW(clip_grad_norm(set.params(), 0.0f), std::invalid_argument);
    EXPECT_THROW(clip_grad_norm(set.params(), -1.0f), std::invalid_argument);
}
