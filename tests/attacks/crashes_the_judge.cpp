// Attack: hand over values that make the judge's own checking code crash: a causal mask whose shape says
// (5, 5) but which holds one entry, so the judge's mask.allows(b, t, s) reads past its end (with the
// judge's bounds checks, an abort). Grading must lose only the tests that read that mask: the judge of the
// chapter runs again, one test at a time, for the tests its first run did not finish, and every other
// test keeps its own verdict.
// expect: crashed failed not_attempted held
#include "chapters/01_attention/softmax.hpp"

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { return Mask{{T, S}, {1}}; }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { return Tensor(scores.shape(), 0.5f); }
}  // namespace wb
