// Reference: the next-token cross-entropy with an ignore index and label smoothing, forward and backward.
#include "chapters/11_lm_training/cross_entropy.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace wb {

TokenLoss next_token_loss(const Tensor& logits, const Tensor& targets, int ignore_index, float label_smoothing) {
    const char* op = "next_token_loss";
    require_rank(op, "logits", logits, 2);
    const int N = logits.dim(0), V = logits.dim(1);
    require_shape(op, "targets", targets, {N});
    if (!(label_smoothing >= 0.0f && label_smoothing <= 1.0f))
        throw ShapeError(std::string(op) + ": label smoothing " + std::to_string(label_smoothing) + " outside [0, 1]");
    for (int n = 0; n < N; ++n) {
        const int y = static_cast<int>(targets[static_cast<std::size_t>(n)]);
        if (y != ignore_index && (y < 0 || y >= V))
            throw ShapeError(std::string(op) + ": target " + std::to_string(y) + " at position " + std::to_string(n) +
                             " is outside [0, " + std::to_string(V) + ") and is not the ignore index " +
                             std::to_string(ignore_index));
    }
    TokenLoss out;
    out.dlogits = Tensor({N, V});
    const double e = label_smoothing;
    std::vector<double> log_p(static_cast<std::size_t>(V));
    for (int n = 0; n < N; ++n) {
        const int y = static_cast<int>(targets[static_cast<std::size_t>(n)]);
        if (y == ignore_index) continue;
        ++out.counted;
        // log p_k = z_k - max - log sum_j exp(z_j - max)
        double top = logits(n, 0);
        for (int k = 1; k < V; ++k) top = std::max(top, static_cast<double>(logits(n, k)));
        double sum = 0.0;
        for (int k = 0; k < V; ++k) sum += std::exp(logits(n, k) - top);
        const double log_sum = std::log(sum);
        for (int k = 0; k < V; ++k) log_p[static_cast<std::size_t>(k)] = logits(n, k) - top - log_sum;
        // q_k = (1 - e) [k == y] + e / V;  loss_n = -sum_k q_k log p_k;  dz_k = p_k - q_k
        for (int k = 0; k < V; ++k) {
            const double q = (k == y ? 1.0 - e : 0.0) + e / V;
            out.loss -= q * log_p[static_cast<std::size_t>(k)];
            out.dlogits(n, k) = static_cast<float>(std::exp(log_p[static_cast<std::size_t>(k)]) - q);
        }
    }
    if (out.counted == 0) return out;  // all padding: nothing to learn from
    out.loss /= out.counted;
    for (float& d : out.dlogits) d /= static_cast<float>(out.counted);
    return out;
}

}  // namespace wb
