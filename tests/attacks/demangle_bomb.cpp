// Attack (found by the second red-team pass): a 150-character mangled name that demangles to about 270 MB
// (a pair of pairs of pairs, 24 levels deep). The object check ran for minutes, grew past a gigabyte and
// wrote no report.
// expect: rejected
#include <utility>

#include "chapters/01_attention/softmax.hpp"

template <int N>
struct Nest {
    using type = std::pair<typename Nest<N - 1>::type, typename Nest<N - 1>::type>;
};
template <>
struct Nest<0> {
    using type = int;
};
void explode(Nest<24>::type*) {}

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
