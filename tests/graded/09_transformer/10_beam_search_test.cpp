// Graded tests for exercise BeamSearch. Golden: tests/fixtures/09_transformer/beam.wbt: the search of sampling.hpp
// written out in Python, on a bigram model (a table of next-token log-probabilities after each token).
#include <cmath>
#include <string>
#include <vector>

#include "chapters/09_transformer/sampling.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {
/// The bigram model of the golden: log-probabilities of the next token after the prefix's last token.
NextTokenLogProbs bigram_model(const Tensor& table) {
    return [table](const std::vector<int>& prefix) {
        const int V = table.dim(1), last = prefix.back();
        Tensor row({V});
        for (int v = 0; v < V; ++v) row[v] = table(last, v);
        return row;
    };
}

/// The learner's hypotheses against the golden's case `name` (width, steps, alpha as the golden ran them).
void expect_beams(const char* name, int width, int max_new, float alpha) {
    const auto g = fixtures::load("09_transformer", "beam");
    const int eos = static_cast<int>(g["eos"][0]);
    const std::vector<Hypothesis> got = LEARNER(beam_search(bigram_model(g["table"]), {0}, width, max_new, eos, alpha));
    const std::string prefix = name;
    const auto want = static_cast<std::size_t>(g[prefix + "_count"][0]);
    ASSERT_EQ(got.size(), want) << name << ": hypotheses returned";
    for (std::size_t i = 0; i < want; ++i) {
        const Tensor& tokens = g[prefix + "_" + std::to_string(i) + "_tokens"];
        std::vector<int> expected;
        for (std::size_t t = 0; t < tokens.size(); ++t) expected.push_back(static_cast<int>(tokens[t]));
        EXPECT_EQ(got[i].tokens, expected) << name << ": hypothesis " << i;
        EXPECT_NEAR(got[i].log_prob, g[prefix + "_" + std::to_string(i) + "_log_prob"][0], 1e-4) << name << ": log_prob " << i;
        EXPECT_NEAR(got[i].score, g[prefix + "_" + std::to_string(i) + "_score"][0], 1e-4) << name << ": score " << i;
    }
}
}  // namespace

GRADED_TEST(BeamSearch, WidthOneIsGreedy, 1, "With W = 1, each step keeps the single best extension.") {
    expect_beams("w1", 1, 6, 1.0f);
}

GRADED_TEST(BeamSearch, WidthThree, 3,
            "Rank every extension of every live beam by total log-prob; an eos among the first W finishes, other tokens fill W live slots.") {
    expect_beams("w3", 3, 6, 1.0f);
}

GRADED_TEST(BeamSearch, LengthPenaltyZeroFavoursShort, 1,
            "score = log_prob / len^alpha: with alpha = 0 the one-token [eos] wins, every extra token only loses log-probability.") {
    expect_beams("w3_a0", 3, 6, 0.0f);
}

GRADED_TEST(BeamSearch, StepLimitKeepsLiveBeams, 1, "When max_new_tokens ends the search, the live beams join the finished ones.") {
    expect_beams("w4_short", 4, 3, 1.0f);
}

GRADED_TEST(BeamSearch, EosBelowTheBeamIsDropped, 1,
            "An eos extension counts only if it ranks among the first W; below that it is dropped, not finished.") {
    // eos = 3. After [1]: eos 0.6, 1 0.3, 2 0.1; after [2]: eos 0.4, 1 0.3, 2 0.3. Step 2 ranks [1,eos] 0.30 (finishes),
    // [1,1] 0.15 (live), [2,eos] 0.12 (rank 2 >= W = 2: dropped), [2,1] 0.09 (live).
    const Tensor table({4, 4}, {std::log(1e-6f), std::log(0.5f), std::log(0.3f), std::log(0.2f),
                                std::log(1e-6f), std::log(0.3f), std::log(0.1f), std::log(0.6f),
                                std::log(1e-6f), std::log(0.3f), std::log(0.2999f), std::log(0.4f),
                                0.0f, 0.0f, 0.0f, 0.0f});
    const std::vector<Hypothesis> got = LEARNER(beam_search(bigram_model(table), {0}, 2, 2, 3, 0.0f));
    ASSERT_EQ(got.size(), std::size_t{3}) << "[1, eos] finished, and the step limit adds the two live beams";
    EXPECT_EQ(got[0].tokens, (std::vector<int>{1, 3}));
    EXPECT_EQ(got[1].tokens, (std::vector<int>{1, 1}));
    EXPECT_EQ(got[2].tokens, (std::vector<int>{2, 1}));
    EXPECT_NEAR(got[0].log_prob, std::log(0.3), 1e-5);
}

GRADED_TEST(BeamSearch, RejectsBadArguments, 1, "beam_width and max_new_tokens must be >= 1.") {
    const NextTokenLogProbs uniform = [](const std::vector<int>&) { return Tensor({3}, -1.0986123f); };
    EXPECT_SHAPE_ERROR(beam_search(uniform, {0}, 0, 3, 2), "beam_search");
    EXPECT_SHAPE_ERROR(beam_search(uniform, {0}, 2, 0, 2), "beam_search");
}
