// Attack: print from a global constructor (this once broke the grader's reading of the test list).
// expect: not_attempted
#include <cstdio>

#include "chapters/01_attention/softmax.hpp"

namespace {
struct Chatter {
    Chatter() { std::printf("[{\"exercise\": \"Softmax\", \"test\": \"Free\", \"points\": 500}]\n"); }
} chatter;
}  // namespace

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
