#include "framework/heap.hpp"

#include <malloc.h>

namespace wb {

void keep_freed_memory_for_reuse() {
    mallopt(M_MMAP_THRESHOLD, 256 << 20);  // blocks up to 256 MiB come from the heap, not from mmap
    mallopt(M_TRIM_THRESHOLD, 1 << 30);    // and the heap is not trimmed back until 1 GiB is free
}

}  // namespace wb
