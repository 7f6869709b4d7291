// Graded tests for exercise FlashForward. Goldens: tests/fixtures/09_transformer/flash{,_cross,_offset}.wbt
// (softmax(QK^T/sqrt(Dh)) V and torch.logsumexp of the scores, float64).
#include <cmath>
#include <utility>

#include "chapters/09_transformer/flash.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"
#include "tests/harness/memory.hpp"

using namespace wb;

namespace {
/// The learner's tiled attention on a golden with the given tiles, against the full attention's output and logsumexp.
void expect_flash_matches(const char* fixture, int block_q, int block_k) {
    const auto g = fixtures::load("09_transformer", fixture);
    const bool causal = g["causal"][0] > 0.5f;
    const FlashResult r = LEARNER(flash_attention_forward(g["q"], g["k"], g["v"], causal, block_q, block_k));
    EXPECT_TENSOR_NEAR(r.out, g["out"], tol::kForward) << fixture << " in tiles of " << block_q << " x " << block_k;
    EXPECT_TENSOR_NEAR(r.logsumexp, g["logsumexp"], tol::kForward) << fixture << ": logsumexp = m + log l";
}
}  // namespace

GRADED_TEST(FlashForward, CausalInUnevenTiles, 3,
            "Per tile: m' = max(m, tile max); rescale l and the output rows by e^(m - m') before adding the tile's terms.") {
    expect_flash_matches("flash", 4, 3);  // 13 positions: the last tiles are partial
}

GRADED_TEST(FlashForward, TileSizeDoesNotMatter, 2, "One key per tile, or one tile for everything: the online softmax is exact either way.") {
    expect_flash_matches("flash", 1, 1);
    expect_flash_matches("flash", 64, 64);
    expect_flash_matches("flash", 5, 13);
}

GRADED_TEST(FlashForward, CrossAttentionWithoutMask, 1, "Without causal, every key is allowed: S need not equal T.") {
    expect_flash_matches("flash_cross", 2, 4);
}

GRADED_TEST(FlashForward, CausalAfterEarlierPositions, 1, "Causal with S > T: query t sits at position t + S - T.") {
    expect_flash_matches("flash_offset", 4, 4);
}

GRADED_TEST(FlashForward, LargeScoreGapsStayFinite, 1,
            "Rescale by e^(m - m') with m' = max(m, tile max): against a smaller reference, e^(400) overflows float to inf.") {
    // one query, four keys in tiles of two: scores 200, 200 then -200, -200 (Dh = 1); values 0, 1, 2, 3
    const Tensor q({1, 1, 1, 1}, 1.0f), k({1, 1, 4, 1}, {200.0f, 200.0f, -200.0f, -200.0f}), v({1, 1, 4, 1}, {0.0f, 1.0f, 2.0f, 3.0f});
    const FlashResult r = LEARNER(flash_attention_forward(q, k, v, false, 1, 2));
    EXPECT_TENSOR_NEAR(r.out, Tensor({1, 1, 1, 1}, 0.5f), tol::kForward) << "the two large scores share the weight";
    EXPECT_TENSOR_NEAR(r.logsumexp, Tensor({1, 1, 1}, 200.0f + 0.69314718f), tol::kForward);
}

GRADED_TEST(FlashForward, NeverHoldsTheScores, 2,
            "Hold one block_q x block_k tile of scores at a time, never the T x T matrix (16,384 KiB at T = 2048).") {
    Rng rng(97);
    const Tensor q = Tensor::randn({1, 1, 2048, 8}, rng), k = Tensor::randn({1, 1, 2048, 8}, rng);
    const Tensor v = Tensor::randn({1, 1, 2048, 8}, rng);
    // how much the process's peak resident memory grew during the call, and one output value (the call really ran)
    const auto [grown_kib, last] = LEARNER([&] {
        float value = 0.0f;
        const long grown = wb::grading::peak_resident_growth_kib(
            [&] { value = flash_attention_forward(q, k, v, true, 64, 64).out(0, 0, 2047, 3); });
        return std::pair<long, float>{grown, value};
    }());
    EXPECT_GE(grown_kib, 0) << "the grader could not read the process's memory (/proc/self/status): please report it";
    EXPECT_LT(grown_kib, 4096) << "KiB more at the peak during the call: the 2048 x 2048 scores alone are 16,384 KiB";
    EXPECT_TRUE(std::isfinite(last)) << "the output's last row";
}

GRADED_TEST(FlashForward, RejectsBadArguments, 1, "Blocks must be >= 1, shapes must agree, and causal needs S >= T.") {
    const Tensor q({1, 1, 4, 2}), kv({1, 1, 4, 2});
    EXPECT_SHAPE_ERROR(flash_attention_forward(q, kv, kv, true, 0, 2), "flash_attention_forward");
    EXPECT_SHAPE_ERROR(flash_attention_forward(q, Tensor({1, 1, 4, 3}), kv, false, 2, 2), "flash_attention_forward");
    EXPECT_SHAPE_ERROR(flash_attention_forward(Tensor({1, 1, 5, 2}), kv, kv, true, 2, 2), "flash_attention_forward");
}
