// Graded tests for exercise KvCacheBytes: by hand, from the published configurations.
#include <cstdint>

#include "chapters/09_transformer/kv_cache.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(KvCacheBytes, Llama2SeventyB, 2, "2 (keys and values) x layers x batch x kv heads x tokens x head dim x bytes per value.") {
    // Llama 2 70B: 80 layers, 8 kv heads of 128 (GQA), fp16; 4096 tokens of one sequence: 1.25 GiB
    EXPECT_EQ(LEARNER(kv_cache_bytes(80, 1, 8, 128, 4096, 2)), std::int64_t{1342177280});
}

GRADED_TEST(KvCacheBytes, NoOverflowPastTwoGigabytes, 1, "Multiply in 64 bits: with 64 kv heads (MHA) the same cache is 10 GiB, past 2^31.") {
    EXPECT_EQ(LEARNER(kv_cache_bytes(80, 1, 64, 128, 4096, 2)), std::int64_t{10737418240});
    EXPECT_EQ(LEARNER(kv_cache_bytes(32, 16, 8, 128, 8192, 2)), std::int64_t{17179869184});
}

GRADED_TEST(KvCacheBytes, EdgesAndBadInput, 1, "Zero tokens cost zero bytes; negative sizes and bytes_per_value < 1 throw.") {
    EXPECT_EQ(LEARNER(kv_cache_bytes(12, 4, 12, 64, 0, 4)), std::int64_t{0});
    EXPECT_EQ(LEARNER(kv_cache_bytes(1, 1, 1, 1, 1, 1)), std::int64_t{2});
    EXPECT_SHAPE_ERROR(kv_cache_bytes(-1, 1, 1, 1, 1, 2), "kv_cache_bytes");
    EXPECT_SHAPE_ERROR(kv_cache_bytes(1, 1, 1, 1, 1, 0), "kv_cache_bytes");
}
