// wb::parallel_for and wb::parallel_chunks: every index exactly once, errors rethrown, nested and
// concurrent calls safe, and chunk boundaries that never depend on timing. Also run under
// ThreadSanitizer by ./wb test (the tsan preset).
#include <gtest/gtest.h>

#include <atomic>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <vector>

#include "framework/parallel.hpp"

using wb::parallel_chunks;
using wb::parallel_for;

TEST(ParallelFor, CoversEveryIndexExactlyOnce) {
    for (int n : {0, 1, 2, 3, 7, 64, 1000}) {
        std::vector<std::atomic<int>> hits(static_cast<std::size_t>(n));
        parallel_for(n, [&](int begin, int end) {
            ASSERT_LE(0, begin);
            ASSERT_LE(begin, end);
            ASSERT_LE(end, n);
            for (int i = begin; i < end; ++i) ++hits[static_cast<std::size_t>(i)];
        });
        for (int i = 0; i < n; ++i) EXPECT_EQ(hits[static_cast<std::size_t>(i)], 1) << "n = " << n << ", i = " << i;
    }
}

TEST(ParallelFor, RethrowsAWorkersExceptionAfterAllRangesFinish) {
    std::atomic<int> done{0};
    EXPECT_THROW(parallel_for(100, [&](int begin, int end) {
                     done += end - begin;
                     if (begin == 0) throw std::runtime_error("first range failed");
                 }),
                 std::runtime_error);
    EXPECT_EQ(done, 100);
    // and the pool still works afterwards
    std::atomic<int> sum{0};
    parallel_for(10, [&](int begin, int end) { sum += end - begin; });
    EXPECT_EQ(sum, 10);
}

TEST(ParallelFor, NestedAndConcurrentCallsRunWithoutDeadlock) {
    std::atomic<long> total{0};
    parallel_for(8, [&](int begin, int end) {
        for (int i = begin; i < end; ++i) parallel_for(10, [&](int b, int e) { total += e - b; });
    });
    EXPECT_EQ(total, 80);
    std::vector<std::thread> callers;
    std::atomic<long> concurrent{0};
    for (int t = 0; t < 4; ++t)
        callers.emplace_back([&] {
            for (int r = 0; r < 50; ++r) parallel_for(32, [&](int b, int e) { concurrent += e - b; });
        });
    for (auto& c : callers) c.join();
    EXPECT_EQ(concurrent, 4 * 50 * 32);
}

TEST(ParallelChunks, ChunksAreFixedByNAndCountAlone) {
    for (int n : {1, 5, 32, 33}) {
        for (int chunks : {1, 2, 3, 8}) {
            std::vector<std::pair<int, int>> seen(static_cast<std::size_t>(chunks), {-1, -1});
            parallel_chunks(n, chunks, [&](int k, int begin, int end) { seen[static_cast<std::size_t>(k)] = {begin, end}; });
            int covered = 0;
            for (int k = 0; k < chunks; ++k) {
                const int begin = static_cast<int>(static_cast<long>(n) * k / chunks);
                const int end = static_cast<int>(static_cast<long>(n) * (k + 1) / chunks);
                if (begin == end) continue;  // more chunks than items: empty ones are skipped
                EXPECT_EQ(seen[static_cast<std::size_t>(k)], std::make_pair(begin, end)) << n << " in " << chunks;
                covered += end - begin;
            }
            EXPECT_EQ(covered, n);
        }
    }
}

TEST(ParallelChunks, PartialSumsInChunkOrderGiveTheSameBitsEveryRun) {
    // float sums whose value depends on the order of addition
    std::vector<float> values(10000);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = 1.0f / static_cast<float>(i + 1) * (i % 3 ? 1.0f : -3.0f);
    auto chunked_sum = [&] {
        std::vector<float> partial(4, 0.0f);
        parallel_chunks(static_cast<int>(values.size()), 4, [&](int k, int begin, int end) {
            for (int i = begin; i < end; ++i) partial[static_cast<std::size_t>(k)] += values[static_cast<std::size_t>(i)];
        });
        return std::accumulate(partial.begin(), partial.end(), 0.0f);
    };
    const float first = chunked_sum();
    for (int run = 0; run < 20; ++run) EXPECT_EQ(chunked_sum(), first);
}
