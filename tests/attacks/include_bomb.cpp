// Attack (found by a red-team pass): a file that includes itself twice per level takes 2^depth times as
// long to compile, in constant memory; the build had no time limit.
// expect: compile_error
#if __INCLUDE_LEVEL__ < 24
#include __FILE__
#include __FILE__
#endif
#if __INCLUDE_LEVEL__ == 0
#include "chapters/01_attention/softmax.hpp"

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
#endif
