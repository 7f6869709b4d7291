// Attack (found by the second red-team pass): replace the global operator new and delete. The replacement
// runs inside GoogleTest and the harness, where it can find and rewrite the test's failure records before
// the verdict is read (that pass turned every failure into a success: 62/62). This one only counts.
// expect: rejected
#include <cstdlib>
#include <new>

#include "chapters/01_attention/softmax.hpp"

namespace {
std::size_t allocations = 0;
}  // namespace

void* operator new(std::size_t n) {
    ++allocations;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
