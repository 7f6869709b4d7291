// Graded tests for exercise KvCache. Goldens: tests/fixtures/09_transformer/kv_{mha,gqa,mqa}.wbt: the full causal
// forward over 7 positions with RoPE (float64), which every cached step must reproduce.
#include "chapters/09_transformer/kv_cache.hpp"
#include "tests/graded/09_transformer/common.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;
using namespace transformer_test;

namespace {
/// Prefills the first `prompt` positions, then decodes the rest one at a time, RoPE applied (by this test) at each
/// step's positions; the outputs of every step, side by side (1, Hq, 7, Dh), against the full forward.
void expect_cached_steps_match(const char* fixture, int prompt) {
    const auto g = fixtures::load("09_transformer", fixture);
    const Tensor &q = g["q"], &k = g["k"], &v = g["v"];
    const int T = q.dim(2);
    const Tensor steps = LEARNER([&] {
        KvCache cache = make_kv_cache(1, k.dim(1), 16, k.dim(3));
        Tensor all({1, q.dim(1), T, q.dim(3)});
        for (int begin = 0; begin < T;) {
            const int end = begin == 0 ? prompt : begin + 1;
            const Tensor out = cached_attention(cache, rotate_by_position(positions(q, begin, end), begin),
                                                rotate_by_position(positions(k, begin, end), begin), positions(v, begin, end));
            for (int h = 0; h < q.dim(1); ++h)
                for (int t = begin; t < end; ++t)
                    for (int d = 0; d < q.dim(3); ++d) all(0, h, t, d) = out(0, h, t - begin, d);
            begin = end;
        }
        return all;
    }());
    EXPECT_TENSOR_NEAR(steps, g["out"], tol::kForward) << fixture << ": prefill " << prompt << ", then one token at a time";
}
}  // namespace

GRADED_TEST(KvCache, MultiHeadPrefillThenDecode, 2,
            "Append the new keys and values at positions length .. length+T-1, then attend to positions 0 .. length-1 with the bottom-right causal mask.") {
    expect_cached_steps_match("kv_mha", 4);
}

GRADED_TEST(KvCache, GroupedQueryDecode, 2, "The cache stores Hkv heads; gqa_attention_forward repeats them for the Hq queries.") {
    expect_cached_steps_match("kv_gqa", 3);
}

GRADED_TEST(KvCache, MultiQueryOneTokenAtATime, 1, "A prompt of one token, then six decode steps: every step must see every earlier position.") {
    expect_cached_steps_match("kv_mqa", 1);
}

GRADED_TEST(KvCache, LengthAndCapacity, 1, "make_kv_cache gives (B, Hkv, capacity, Dh) zeros and length 0; appending past capacity throws.") {
    const KvCache fresh = LEARNER(make_kv_cache(2, 3, 5, 4));
    EXPECT_EQ(fresh.k.shape(), (Shape{2, 3, 5, 4}));
    EXPECT_EQ(fresh.v.shape(), (Shape{2, 3, 5, 4}));
    EXPECT_EQ(fresh.length, 0);
    const int after = LEARNER([] {
        KvCache cache = make_kv_cache(1, 1, 3, 2);
        cached_attention(cache, Tensor({1, 2, 2, 2}, 0.5f), Tensor({1, 1, 2, 2}, 0.5f), Tensor({1, 1, 2, 2}, 1.0f));
        return cache.length;
    }());
    EXPECT_EQ(after, 2);
    EXPECT_SHAPE_ERROR(([] {
                           KvCache cache = make_kv_cache(1, 1, 3, 2);
                           cached_attention(cache, Tensor({1, 1, 2, 2}), Tensor({1, 1, 2, 2}), Tensor({1, 1, 2, 2}));
                           cached_attention(cache, Tensor({1, 1, 2, 2}), Tensor({1, 1, 2, 2}), Tensor({1, 1, 2, 2}));
                       }()),
                       "cached_attention");
    EXPECT_SHAPE_ERROR(make_kv_cache(1, 0, 4, 2), "make_kv_cache");
}
