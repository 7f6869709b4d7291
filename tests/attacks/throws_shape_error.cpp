// Attack: every function rejects every input with a ShapeError naming its op, to collect the points of
// the tests that check bad input is rejected.
// expect: failed held not_attempted
#include "chapters/01_attention/softmax.hpp"

namespace wb {
Tensor softmax(const Tensor&) { throw ShapeError("softmax"); }
Mask causal_mask(int, int) { throw ShapeError("causal_mask"); }
Mask padding_mask(const std::vector<int>&, int, int) { throw ShapeError("padding_mask"); }
Tensor masked_softmax(const Tensor&, const Mask&) { throw ShapeError("masked_softmax"); }
}  // namespace wb
