// Attack (found by a red-team pass): the assembler's .incbin pastes any readable file into the object
// (the compiler's dependency list does not show it); thrown as a message, the reference answer then
// appeared in the scoreboard and the reports.
// expect: compile_error rejected
#include <stdexcept>
#include <string>

#include "chapters/01_attention/softmax.hpp"

asm(".section .rodata\n.globl wb_pasted\nwb_pasted:\n.incbin \"../solutions/01_attention/softmax.cpp\"\n.byte 0\n.previous");
extern "C" const char wb_pasted[];

namespace wb {
Tensor softmax(const Tensor& x) { throw std::runtime_error(std::string("pasted: ") + wb_pasted); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
