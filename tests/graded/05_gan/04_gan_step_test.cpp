// Graded tests for exercise AlternatingStep. Goldens: tests/fixtures/05_gan/gan_step.wbt (one step of the
// DCGAN loop in PyTorch, SGD 0.1 for both networks).
#include <string>
#include <vector>

#include "chapters/05_gan/gan_step.hpp"
#include "chapters/05_gan/modes.hpp"
#include "framework/layers.hpp"
#include "tests/graded/05_gan/common.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using namespace gan_test;

namespace {


void expect_params(const std::vector<Tensor>& values, const fixtures::Golden& g, const std::string& prefix) {
    for (std::size_t k = 0; g.has(prefix + std::to_string(k) + "_after"); ++k) {
        ASSERT_LT(k, values.size()) << prefix << ": fewer parameters than the golden's";
        EXPECT_TENSOR_NEAR(values[k], g[prefix + std::to_string(k) + "_after"], tol::kBackward)
            << prefix << k << " after the step";
    }
}

// An optimizer that only records what it was asked to step.
struct Recorder : Optimizer {
    std::vector<std::vector<const Tensor*>> calls;
    void step(const std::vector<Param>& params) override {
        std::vector<const Tensor*> values;
        for (const Param& p : params) values.push_back(p.value);
        calls.push_back(values);
    }
};

/// Each recorded call as the parameters it stepped, named by network and position: "D0 D1 D2 D3".
[[maybe_unused]] std::vector<std::string> named_calls(const Recorder& r, Sequential& G, Sequential& D) {
    std::vector<std::string> calls;
    for (const auto& call : r.calls) {
        std::string names;
        for (const Tensor* value : call) {
            std::string name = "?";
            for (auto [net, tag] : {std::pair{&G, "G"}, {&D, "D"}}) {
                const std::vector<Param> params = net->params();
                for (std::size_t k = 0; k < params.size(); ++k)
                    if (params[k].value == value) name = tag + std::to_string(k);
            }
            names += (names.empty() ? "" : " ") + name;
        }
        calls.push_back(names);
    }
    return calls;
}


}  // namespace

GRADED_TEST(AlternatingStep, MatchesTorchStep, 4,
            "D step on concat(real, G(z)) with G fixed, then G step through the updated D; only each network's own optimizer steps it.") {
    const auto g = fixtures::load("05_gan", "gan_step");
    const StepOutcome step = LEARNER([&] {
        Rng rng(1);
        Sequential G = mlp(3, 8, 2, rng, &g, "g"), D = mlp(2, 8, 1, rng, &g, "d");
        SGD g_opt(0.1f), d_opt(0.1f);
        const GanStepStats stats = gan_train_step(G, D, g["real"], g["noise"], g_opt, d_opt);
        return StepOutcome{stats, param_values(G), param_values(D)};
    }());
    EXPECT_NEAR(step.stats.d_loss, g.scalar("d_loss"), 1e-5) << "d_loss";
    EXPECT_NEAR(step.stats.g_loss, g.scalar("g_loss"), 1e-5) << "g_loss, through the D after its step";
    EXPECT_NEAR(step.stats.real_accuracy, g.scalar("real_accuracy"), 1e-6);
    EXPECT_NEAR(step.stats.fake_accuracy, g.scalar("fake_accuracy"), 1e-6);
    expect_params(step.d_after, g, "d");
    expect_params(step.g_after, g, "g");
}

GRADED_TEST(AlternatingStep, EachOptimizerStepsItsOwnNetworkOnce, 2,
            "d_optimizer.step(D's params) once in the D step, g_optimizer.step(G's params) once in the G step, never the other way.") {
    // Which parameters each optimizer was asked to step: {d_optimizer's calls, g_optimizer's calls}.
    const auto [d_calls, g_calls] = LEARNER([] {
        Rng rng(2);
        Sequential G = mlp(3, 8, 2, rng), D = mlp(2, 8, 1, rng);
        Recorder g_opt, d_opt;
        gan_train_step(G, D, Tensor::randn({4, 2}, rng), Tensor::randn({4, 3}, rng), g_opt, d_opt);
        return std::pair{named_calls(d_opt, G, D), named_calls(g_opt, G, D)};
    }());
    ASSERT_EQ(d_calls.size(), 1u) << "d_optimizer steps";
    ASSERT_EQ(g_calls.size(), 1u) << "g_optimizer steps";
    EXPECT_EQ(d_calls[0], "D0 D1 D2 D3") << "d_optimizer must get D's parameters";
    EXPECT_EQ(g_calls[0], "G0 G1 G2 G3") << "g_optimizer must get G's parameters";
}

// The 2-D benchmark of mode collapse: 8 Gaussians on a ring; the GAN trained with your step must reach
// at least 6 of them. A few thousand steps of small networks: about a second.
GRADED_TEST(AlternatingStep, TwoDimensionalGanCoversSixOfEightModes, 3,
            "If the samples pile up on one or two modes, check that D sees real and fake in one batch and G gets D's input gradient.") {
    const Tensor centres = ring_of_modes(8, 2.0f);
    // 3000 steps with the learner's gan_train_step; 1000 samples of the trained G are handed over.
    const Tensor samples = LEARNER([&] {
        Rng rng(2017);
        auto real_batch = [&](int n) {
            Tensor x({n, 2});
            for (int i = 0; i < n; ++i) {
                const int k = static_cast<int>(rng.below(8));
                x(i, 0) = centres(k, 0) + 0.02f * rng.normal();
                x(i, 1) = centres(k, 1) + 0.02f * rng.normal();
            }
            return x;
        };
        Sequential G, D;
        G.add<Dense>(2, 64, rng, Init::torch_default), G.add<ReLU>(), G.add<Dense>(64, 64, rng, Init::torch_default);
        G.add<ReLU>(), G.add<Dense>(64, 2, rng, Init::torch_default);
        D.add<Dense>(2, 64, rng, Init::torch_default), D.add<ReLU>(), D.add<Dense>(64, 64, rng, Init::torch_default);
        D.add<ReLU>(), D.add<Dense>(64, 1, rng, Init::torch_default);
        Adam g_opt(1e-3f, 0.5f), d_opt(1e-3f, 0.5f);
        for (int step = 0; step < 3000; ++step) gan_train_step(G, D, real_batch(128), Tensor::randn({128, 2}, rng), g_opt, d_opt);
        return G.forward(Tensor::randn({1000, 2}, rng));
    }());
    ASSERT_EQ(samples.shape(), (Shape{1000, 2}));
    const ModeCoverage m = LEARNER(mode_coverage(samples, centres, 0.3f, 20));
    EXPECT_GE(m.covered, 6) << "modes with >= 20 of 1000 samples within 0.3 of their centre";
    EXPECT_GE(m.high_quality, 0.3) << "share of samples near some mode (0.5 to 0.9 over five seeds with the reference)";
}

GRADED_TEST(AlternatingStep, RejectsAGeneratorOfTheWrongShape, 1,
            "G's output must have the real batch's shape; name gan_train_step.") {
    Rng rng(3);
    Sequential G = mlp(3, 8, 5, rng), D = mlp(2, 8, 1, rng);
    SGD g_opt(0.1f), d_opt(0.1f);
    EXPECT_SHAPE_ERROR(gan_train_step(G, D, Tensor({4, 2}), Tensor({4, 3}), g_opt, d_opt), "gan_train_step");
}
