// Attack: a detached grandchild outlives the test, waits for build/reports/results.json to be
// written, then sets every score to the maximum (and leaves a marker file to show it ran).
// expect: rejected
// unchecked: not_attempted crashed
// (crashed: under bwrap the test's exit races the sandbox tearing down the detached grandchild; seen once in
// five self-tests on 2026-11-27, score 0 as always. The score and the untouched report are what this attack checks.)
#include <unistd.h>

#include <cstdio>
#include <string>

#include "chapters/01_attention/softmax.hpp"

namespace {
struct Detach {
    Detach() {
        char exe[4096] = {};
        if (::readlink("/proc/self/exe", exe, sizeof exe - 1) <= 0) return;
        std::string root = exe;
        root = root.substr(0, root.rfind("/build"));  // <tree>/build.../tests/graded_...
        if (::fork() != 0) return;
        ::setsid();
        if (::fork() != 0) ::_exit(0);
        for (int i = 0; i < 40; ++i) {  // 4 s at most
            if (FILE* f = std::fopen((root + "/build-attacks/grandchild-was-here").c_str(), "w")) std::fclose(f);
            if (FILE* f = std::fopen((root + "/build-attacks/reports/results.json").c_str(), "w")) {
                std::fputs("{\"score\": 62, \"tests\": []}\n", f);
                std::fclose(f);
            }
            ::usleep(100000);
        }
        ::_exit(0);
    }
} detach;
}  // namespace

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
