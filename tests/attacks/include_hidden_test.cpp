// Attack: include the hidden test's source, so that its expected values (or the compile errors they
// cause) show up in the report. The compiler sees no tests/ folder (bubblewrap), and a report never
// quotes a line of a file outside the learner's own and the learner-facing headers.
// expect: compile_error rejected
// absent: FLT_MAX
#include "tests/graded/01_attention/09_softmax_hidden_test.cpp"

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
