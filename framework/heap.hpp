// Process-wide memory settings, made once where a program starts (never inside a library call).
#pragma once

namespace wb {

/// Keeps freed blocks on the heap for reuse instead of returning them to the system. Training
/// allocates and frees the same large activations every step; by default glibc serves blocks over
/// 128 KiB with fresh mmap pages and returns them on free, so every step page-faults its activations
/// in again. Keeping them made the chapter 07 epoch 13% faster (bench/README.md). Call it first in
/// main() of a program that trains.
void keep_freed_memory_for_reuse();

}  // namespace wb
