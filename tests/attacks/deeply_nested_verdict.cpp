// Attack (found by a red-team pass): the only "verdict" on the result descriptor is 30000 opening
// brackets; Python's JSON parser then raised RecursionError and the grader wrote no report at all.
// expect: rejected
// unchecked: crashed failed
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "chapters/01_attention/softmax.hpp"

__attribute__((constructor)) static void poison(int argc, char** argv, char** envp) {
    int fd = -1;
    for (char** e = envp; *e; ++e)
        if (std::strncmp(*e, "WB_RESULT_FD=", 13) == 0) fd = std::atoi(*e + 13);
    if (fd < 0) return;
    std::fflush(stdout);
    const int saved = stdout->_fileno;
    stdout->_fileno = fd;
    for (int i = 0; i < 30000; ++i) std::fputc('[', stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
    stdout->_fileno = saved;
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], "--gtest_filter=", 15) == 0) argv[i][15] = 'X';
}

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
