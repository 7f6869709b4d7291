// Attack: write 200 MB to stdout (this once took the grader to 1.2 GB of memory).
// expect: crashed not_attempted
#include <cstdio>
#include <string>

#include "chapters/01_attention/softmax.hpp"

namespace wb {
Tensor softmax(const Tensor&) {
    const std::string line(1 << 20, 'x');
    for (int i = 0; i < 200; ++i) std::fputs(line.c_str(), stdout);
    throw NotImplemented("softmax");
}
Mask causal_mask(int, int) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>&, int, int) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor&, const Mask&) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
