// Attack: a static initializer writes a "passed" record for every test on the result channel (the
// descriptor named by WB_RESULT_FD, or the old WB_RESULT_FILE), then leaves with _Exit(0).
// expect: rejected
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include "chapters/01_attention/softmax.hpp"

namespace {
struct Forge {
    Forge() {
        const char* line = "{\"exercise\": \"Softmax\", \"test\": \"MatchesPyTorch\", \"status\": \"passed\", "
                           "\"points\": 2, \"stub\": \"\", \"message\": \"\"}\n";
        if (const char* fd = std::getenv("WB_RESULT_FD")) (void)!::write(std::atoi(fd), line, 120);
        if (const char* path = std::getenv("WB_RESULT_FILE"))
            if (FILE* f = std::fopen(path, "a")) std::fputs(line, f);
        std::_Exit(0);
    }
} forge;
}  // namespace

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
