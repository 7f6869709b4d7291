// Reference: exact match and token accuracy of predicted sequences.
#include "chapters/02_attention_nlp/metrics.hpp"

#include <string>

namespace wb {

namespace {

void check_pair(const char* op, const Tensor& predicted, const Tensor& target) {
    require_rank(op, "target", target, 2);
    require_shape(op, "predicted", predicted, target.shape());
    if (target.dim(0) < 1) throw ShapeError(std::string(op) + ": no sequences to score");
}

// The positions of row n that count: up to and including the target's first eos_id.
int counted_length(const Tensor& target, int n, int eos_id) {
    const int T = target.dim(1);
    for (int t = 0; t < T; ++t)
        if (target(n, t) == static_cast<float>(eos_id)) return t + 1;
    return T;
}

}  // namespace

double exact_match(const Tensor& predicted, const Tensor& target, int eos_id) {
    check_pair("exact_match", predicted, target);
    const int N = target.dim(0);
    int exact = 0;
    for (int n = 0; n < N; ++n) {
        bool all_right = true;
        for (int t = 0; t < counted_length(target, n, eos_id); ++t) all_right = all_right && predicted(n, t) == target(n, t);
        exact += all_right;
    }
    return static_cast<double>(exact) / N;
}

double token_accuracy(const Tensor& predicted, const Tensor& target, int eos_id) {
    check_pair("token_accuracy", predicted, target);
    long right = 0, counted = 0;
    for (int n = 0; n < target.dim(0); ++n)
        for (int t = 0; t < counted_length(target, n, eos_id); ++t) {
            right += predicted(n, t) == target(n, t);
            ++counted;
        }
    return static_cast<double>(right) / static_cast<double>(counted);
}

}  // namespace wb
