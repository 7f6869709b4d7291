// Attack: exception messages with invalid UTF-8, terminal escapes and XML-invalid control characters,
// which once ended the grader in a traceback and made junit.xml invalid.
// expect: failed not_attempted
#include <stdexcept>

#include "chapters/01_attention/softmax.hpp"

namespace wb {
Tensor softmax(const Tensor&) { throw std::runtime_error("bad \xff\xfe utf-8 \x1b[31mred\x1b[0m bell\x07 nul-less \x01\x02 ]]> </failure> \"quote\""); }
Mask causal_mask(int, int) { throw std::runtime_error("\x1b]0;title\x07\x1b[2J cleared?"); }
Mask padding_mask(const std::vector<int>&, int T, int S) { throw NotImplemented("padding_mask\x1b[31m\xc3"); }
Tensor masked_softmax(const Tensor&, const Mask&) { throw std::runtime_error(std::string(3000, '\x0b')); }
}  // namespace wb
