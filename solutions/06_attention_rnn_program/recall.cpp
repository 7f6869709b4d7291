// Reference: the marked-digit recall task.
#include "chapters/06_attention_rnn_program/recall.hpp"

#include <string>

namespace wb {

RecallBatch make_marked_recall(int n, int length, Rng& rng) {
    if (n < 1 || length < 1)
        throw ShapeError("make_marked_recall: " + std::to_string(n) + " sequences of " + std::to_string(length) +
                         " steps; both must be >= 1");
    RecallBatch batch{Tensor({n, length, kRecallFeatures}), Tensor({n}), Tensor({n})};
    std::vector<int> digits(static_cast<std::size_t>(length));
    for (int i = 0; i < n; ++i) {
        for (int t = 0; t < length; ++t) {
            digits[t] = static_cast<int>(rng.below(kDigits));
            batch.x(i, t, digits[t]) = 1.0f;  // one-hot digit
        }
        const int mark = static_cast<int>(rng.below(static_cast<std::uint64_t>(length)));
        batch.x(i, mark, kDigits) = 1.0f;  // the mark flag
        batch.labels[static_cast<std::size_t>(i)] = static_cast<float>(digits[mark]);
        batch.positions[static_cast<std::size_t>(i)] = static_cast<float>(mark);
    }
    return batch;
}

}  // namespace wb
