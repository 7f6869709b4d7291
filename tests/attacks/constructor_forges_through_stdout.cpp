// Attack (found by a red-team pass): a constructor that receives argv and envp (glibc passes them to
// .init_array functions) writes a "passed" record for the test in --gtest_filter on the result descriptor,
// through stdout's own FILE with its descriptor swapped, then renames the filter so that no test runs and
// the process exits 0. Uses only allowed calls.
// expect: rejected
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "chapters/01_attention/softmax.hpp"

__attribute__((constructor)) static void forge(int argc, char** argv, char** envp) {
    char* filter = nullptr;
    int fd = -1;
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], "--gtest_filter=", 15) == 0) filter = argv[i] + 15;
    for (char** e = envp; *e; ++e)
        if (std::strncmp(*e, "WB_RESULT_FD=", 13) == 0) fd = std::atoi(*e + 13);
    const char* dot = filter ? std::strchr(filter, '.') : nullptr;
    if (!dot || fd < 0) return;
    std::fflush(stdout);
    const int saved = stdout->_fileno;
    stdout->_fileno = fd;
    std::fprintf(stdout, "{\"exercise\": \"%.*s\", \"test\": \"%s\", \"status\": \"passed\", \"stub\": \"\", "
                 "\"message\": \"\"}\n", static_cast<int>(dot - filter), filter, dot + 1);
    std::fflush(stdout);
    stdout->_fileno = saved;
    filter[0] = 'X';
}

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
