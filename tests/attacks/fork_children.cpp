// Attack: start children that keep burning CPU after the test has ended.
// expect: rejected
// unchecked: not_attempted
#include <unistd.h>

#include "chapters/01_attention/softmax.hpp"

namespace {
struct Spawn {
    Spawn() {
        for (int i = 0; i < 4; ++i)
            if (::fork() == 0) {
                ::setsid();
                for (volatile unsigned long k = 1; k != 0; k += 2) {
                }
            }
    }
} spawn;
}  // namespace

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
