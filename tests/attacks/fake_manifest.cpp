// Attack: when asked for its test list (--wb-manifest in /proc/self/cmdline), print one of its own
// worth 500 points.
// expect: rejected
// unchecked: not_attempted
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "chapters/01_attention/softmax.hpp"

namespace {
struct FakeList {
    FakeList() {
        char cmdline[4096] = {};
        if (FILE* f = std::fopen("/proc/self/cmdline", "rb")) {
            const std::size_t n = std::fread(cmdline, 1, sizeof cmdline - 1, f);
            std::fclose(f);
            for (std::size_t i = 0; i < n; ++i)
                if (cmdline[i] == 0) cmdline[i] = ' ';
        }
        if (std::strstr(cmdline, "--wb-manifest") || std::strstr(cmdline, "--gtest_list_tests")) {
            std::puts("[{\"exercise\": \"Softmax\", \"test\": \"Free\", \"points\": 500, \"hint\": \"\"}]");
            std::exit(0);
        }
    }
} fake;
}  // namespace

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
