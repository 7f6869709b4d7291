// Attack (found by a red-team pass): a strong definition of the vtable of GoogleTest's factory for a graded
// test. The test objects hold only a weak copy, so the linker took this one; the "test" it creates does
// nothing, and GoogleTest itself then reports a pass.
// expect: rejected
#include "chapters/01_attention/softmax.hpp"

static void do_nothing(void*) asm("wb_do_nothing");
static void* make_fake(void*) asm("wb_make_fake");
static void* fake_vtable[] = {nullptr, nullptr, reinterpret_cast<void*>(&do_nothing), reinterpret_cast<void*>(&do_nothing),
                              reinterpret_cast<void*>(&do_nothing), reinterpret_cast<void*>(&do_nothing),
                              reinterpret_cast<void*>(&do_nothing), nullptr};
static void* fake_test[16] = {&fake_vtable[2]};
__attribute__((used)) static void do_nothing(void*) {}
__attribute__((used)) static void* make_fake(void*) { return fake_test; }

asm(".section .data.rel.ro,\"aw\"\n.p2align 3\n"
    ".globl _ZTVN7testing8internal15TestFactoryImplI27Softmax_MatchesPyTorch_TestEE\n"
    "_ZTVN7testing8internal15TestFactoryImplI27Softmax_MatchesPyTorch_TestEE:\n"
    "  .quad 0, 0, wb_do_nothing, wb_do_nothing, wb_make_fake\n.previous");

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
