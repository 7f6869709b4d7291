// Attack: exit(0) from a global constructor, before GoogleTest starts: no test fails, none runs.
// expect: rejected
// unchecked: crashed
#include <cstdlib>

#include "chapters/01_attention/softmax.hpp"

namespace {
struct Leave {
    Leave() { std::exit(0); }
} leave;
}  // namespace

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
