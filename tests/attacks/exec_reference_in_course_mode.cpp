// Attack: in course mode, run the reference's own test program on this run's unseen inputs, by its path
// in the build tree (found from this file's path), with the same arguments and environment: its values
// would be the expected ones. Bubblewrap does not show the build tree; at the "user id" level the
// reference's binary is root-only (the grader makes it so before the first test), so exec fails.
// unseen: yes
// expect: rejected
// unchecked: not_attempted
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "chapters/01_attention/softmax.hpp"

extern char** environ;

namespace {
struct Swap {
    Swap() {
        std::vector<std::string> args;
        if (FILE* f = std::fopen("/proc/self/cmdline", "rb")) {
            std::string arg;
            for (int c; (c = std::fgetc(f)) != EOF;)
                if (c == 0) { args.push_back(arg); arg.clear(); } else { arg += static_cast<char>(c); }
            std::fclose(f);
        }
        if (args.empty()) return;
        // .../build-attacks/chapters/01_attention/softmax.cpp -> .../build-attacks/tests/graded_01_attention_reference
        std::string reference = __FILE__;
        reference = reference.substr(0, reference.rfind("/chapters/")) + "/tests/graded_01_attention_reference";
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        argv[0] = reference.data();
        ::execve(reference.c_str(), argv.data(), environ);
    }
} swap_in;
}  // namespace

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
