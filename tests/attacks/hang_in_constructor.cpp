// Attack: a global constructor that never returns.
// expect: timed_out
#include "chapters/01_attention/softmax.hpp"

namespace {
struct Hang {
    Hang() {
        for (volatile unsigned long i = 1; i != 0; i += 2) {
        }
    }
} hang;
}  // namespace

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
