// Attack: the learner's process writes what a verdict and the judge's input look like: a "passed"
// record for every test, then an end-of-test record, on every descriptor it may hold (the result
// descriptor among them), before any test body runs; its functions return nothing useful. Under the
// two-process design (docs/grading.md) the judge only reads values from it: a verdict is never taken
// from this process, and a stream that does not hold the test's values fails the test.
// expect: rejected
// unchecked: failed not_attempted
#include <unistd.h>

#include <string>

#include "chapters/01_attention/softmax.hpp"

namespace {
struct Forger {
    Forger() {
        std::string forged;
        for (const char* test : {"MatchesHandComputedValues", "MatchesPyTorch", "LargeLogitsDoNotOverflow",
                                 "RowsSumToOneAtAnyRank", "RejectsEmptyInput"})
            forged += std::string("{\"exercise\":\"Softmax\",\"test\":\"") + test +
                      "\",\"status\":\"passed\",\"stub\":\"\",\"message\":\"\",\"learner_stopped\":false}\n";
        forged += "E";
        for (int fd = 0; fd < 64; ++fd) [[maybe_unused]] auto n = ::write(fd, forged.data(), forged.size());
    }
} forger;
}  // namespace

namespace wb {
Tensor softmax(const Tensor& x) { return Tensor(x.shape(), 0.5f); }
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
