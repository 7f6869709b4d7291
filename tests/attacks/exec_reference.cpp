// Attack: replace the process with the reference test program, same arguments, so the reference's
// code runs the tests.
// expect: rejected
// unchecked: not_attempted
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "chapters/01_attention/softmax.hpp"

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
        std::string reference = args[0];
        reference.replace(reference.rfind("learner"), 7, "reference");
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        argv[0] = reference.data();
        ::execv(reference.c_str(), argv.data());
    }
} swap_in;
}  // namespace

namespace wb {
Tensor softmax(const Tensor& x) { throw NotImplemented("softmax"); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
