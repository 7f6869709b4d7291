// How much memory a learner's function held at its peak, for tests that check an algorithm's memory (FlashAttention
// never holds the T x T scores). Measured by the kernel, not by the allocator: the resident-set high-water mark
// counts every page the process touched, however it was allocated (new, malloc, mmap). Each graded test runs in a
// fresh process, so the mark before the call is the process's small start-up footprint. Learner code cannot call
// these (tools/objcheck.py denies wb::grading::).
#pragma once
#include <sys/resource.h>

namespace wb::grading {

/// The process's peak resident memory so far, in KiB (getrusage's ru_maxrss).
inline long peak_resident_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

}  // namespace wb::grading
