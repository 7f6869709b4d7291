// Attack: a system call by instruction (write to descriptor 1, then exit_group(0)), which no symbol names.
// expect: rejected
#include "chapters/01_attention/softmax.hpp"

namespace {
struct Raw {
    Raw() {
        long ret;
        asm volatile("syscall" : "=a"(ret) : "a"(231L), "D"(0L) : "rcx", "r11", "memory");
    }
} raw;
}  // namespace

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
