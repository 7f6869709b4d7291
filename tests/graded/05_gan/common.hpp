// Helpers shared by the chapter 05 graded tests.
#pragma once
#include <string>
#include <vector>

#include "chapters/05_gan/gan_step.hpp"
#include "framework/layers.hpp"
#include "framework/model.hpp"
#include "framework/tensor.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/sequential_views.hpp"

namespace gan_test {

using wb::graded::param_values;

/// Dense(in, hidden), ReLU, Dense(hidden, out) drawn from rng, with the golden's weights <prefix>0 .. <prefix>3
/// when g is given.
inline wb::Sequential mlp(int in, int hidden, int out, wb::Rng& rng, const fixtures::Golden* g = nullptr,
                          const char* prefix = "") {
    using namespace wb;
    Sequential m;
    Dense& first = m.add<Dense>(in, hidden, rng, Init::torch_default);
    m.add<ReLU>();
    Dense& second = m.add<Dense>(hidden, out, rng, Init::torch_default);
    if (g) {
        const std::string p = prefix;
        first.weight = (*g)[p + "0"], first.bias = (*g)[p + "1"], second.weight = (*g)[p + "2"], second.bias = (*g)[p + "3"];
    }
    return m;
}

/// What one alternating step changed: its statistics and both networks' parameters afterwards.
struct StepOutcome {
    wb::GanStepStats stats;
    std::vector<wb::Tensor> g_after, d_after;
};

}  // namespace gan_test
