// Attack: make the compiler read a file only root may read and quote its first line in the report:
// `#include "/etc/shadow"` turns its first line into a compile error, which reports once showed on
// stdout and in results.json. The compiler now sees no /etc (bubblewrap), and a report never quotes a
// line of a file outside the learner's own and the learner-facing headers.
// expect: compile_error
// absent: root:
#include "/etc/shadow"
#include "chapters/01_attention/softmax.hpp"

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
