// Attack: while a test runs, rewrite the harness source and a golden fixture so that later builds and
// runs pass (appends a marker line to each).
// expect: rejected
// unchecked: not_attempted
#include <unistd.h>

#include <cstdio>
#include <string>

#include "chapters/01_attention/softmax.hpp"

namespace {
struct Edit {
    Edit() {
        char exe[4096] = {};
        if (::readlink("/proc/self/exe", exe, sizeof exe - 1) <= 0) return;
        std::string root = exe;
        root = root.substr(0, root.rfind("/build"));
        for (const char* rel : {"/tests/harness/graded.cpp", "/tests/fixtures/01_attention/softmax.wbt"})
            if (FILE* f = std::fopen((root + rel).c_str(), "a")) {
                std::fputs("// edited by an attack\n", f);
                std::fclose(f);
            }
    }
} edit;
}  // namespace

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
