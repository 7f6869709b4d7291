// Batch-parallel loops on a persistent pool of worker threads (one per core).
// Kernels split the batch: each worker takes a contiguous range of images, so no two workers
// write the same output. Threads start once; a call costs a wake-up, not a thread creation.
#pragma once
#include <cstddef>
#include <functional>

namespace wb {

/// Calls body(begin, end) on disjoint ranges covering [0, n), in parallel, and waits for all.
/// Runs inline when n is small or only one thread is configured. body must not throw across
/// threads: an exception in a worker is rethrown here after all ranges finish.
void parallel_for(int n, const std::function<void(int begin, int end)>& body);

/// parallel_for for loops whose size varies from tiny to large: runs inline when the whole loop is small, n *
/// work_per_item below kInlineWork (multiply-adds, or element operations, per item), where waking a sleeping
/// worker costs more than it saves. A decode step of chapter 09 attends one query row: without this, every
/// such call woke the pool.
void parallel_for(int n, double work_per_item, const std::function<void(int begin, int end)>& body);
inline constexpr double kInlineWork = 1 << 17;

/// Calls body(chunk, begin, end) for chunk = 0 .. chunks-1, in parallel, where chunk k covers
/// [n k / chunks, n (k + 1) / chunks). The chunks depend only on n and chunks, never on which thread
/// runs them or when: per-chunk partial sums added in chunk order give the same bits on every run.
void parallel_chunks(int n, int chunks, const std::function<void(int chunk, int begin, int end)>& body);

/// Sums per-item contributions into out[0, size) so that the same input gives the same bits every
/// run: items [0, n) are split into min(thread_count(), n) chunks fixed by n alone (parallel_chunks),
/// body(begin, end, sums) adds the contributions of items [begin, end) into its chunk's own zeroed
/// buffer `sums` of `size` floats, and the chunks' buffers are then added to out in chunk order.
void parallel_accumulate(int n, std::size_t size, float* out,
                         const std::function<void(int begin, int end, float* sums)>& body);

/// Worker count: WB_THREADS from the environment if set, else std::thread::hardware_concurrency().
int thread_count();

}  // namespace wb
