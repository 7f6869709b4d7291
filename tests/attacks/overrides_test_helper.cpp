// Attack: a strong definition of a graded tests' helper (tests/harness/gradient_check.hpp). The test objects
// hold only weak copies of these inline functions, so the linker would take this one: a gradient check
// that checks nothing.
// expect: rejected
#include <functional>

#include "chapters/01_attention/softmax.hpp"

namespace gradients {
void expect_gradient_check(const char*, const std::function<double(const wb::Tensor&)>&, const wb::Tensor&,
                           const wb::Tensor&) {}
double dot(const wb::Tensor&, const wb::Tensor&) { return 0.0; }
}  // namespace gradients

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
