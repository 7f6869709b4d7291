// Reference: stable softmax and masked softmax.
#include "chapters/01_attention/softmax.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "framework/elementwise.hpp"
#include "framework/linalg.hpp"
#include "framework/parallel.hpp"

namespace wb {

Tensor softmax(const Tensor& x) {
    if (x.rank() == 0 || x.empty())
        throw ShapeError("softmax: x has shape " + to_string(x.shape()) + ", expected a non-empty tensor of rank 1 to 4");
    const int cols = x.dim(-1);
    const std::size_t rows = x.size() / static_cast<std::size_t>(cols);
    Tensor p(x.shape());
    for (std::size_t r = 0; r < rows; ++r) {
        const float* in = x.data() + r * cols;
        float* out = p.data() + r * cols;
        // p_j = e^(x_j - m) / sum_k e^(x_k - m), m = max_k x_k: every exponent is <= 0
        const float m = *std::max_element(in, in + cols);
        float sum = 0.0f;
        for (int j = 0; j < cols; ++j) {
            out[j] = std::exp(in[j] - m);
            sum += out[j];
        }
        for (int j = 0; j < cols; ++j) out[j] /= sum;
    }
    return p;
}

Mask causal_mask(int T, int S) {
    if (T <= 0 || S <= 0)
        throw ShapeError("causal_mask: T = " + std::to_string(T) + " and S = " + std::to_string(S) + " must be positive");
    Mask m{{T, S}, std::vector<std::uint8_t>(static_cast<std::size_t>(T) * S, 0)};
    // query t sees keys s <= t (lower triangle, top-left aligned)
    for (int t = 0; t < T; ++t)
        for (int s = 0; s <= std::min(t, S - 1); ++s) m.allowed[static_cast<std::size_t>(t) * S + s] = 1;
    return m;
}

Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) {
    if (T <= 0 || S <= 0)
        throw ShapeError("padding_mask: T = " + std::to_string(T) + " and S = " + std::to_string(S) + " must be positive");
    const int B = static_cast<int>(key_lengths.size());
    Mask m{{B, T, S}, std::vector<std::uint8_t>(static_cast<std::size_t>(B) * T * S, 0)};
    for (int b = 0; b < B; ++b) {
        const int length = key_lengths[static_cast<std::size_t>(b)];
        if (length < 0 || length > S)
            throw ShapeError("padding_mask: key length " + std::to_string(length) + " of sequence " + std::to_string(b) +
                             " is outside [0, S = " + std::to_string(S) + "]");
        // every query of sequence b sees keys 0 .. length-1
        for (int t = 0; t < T; ++t)
            for (int s = 0; s < length; ++s) m.allowed[(static_cast<std::size_t>(b) * T + t) * S + s] = 1;
    }
    return m;
}

Tensor masked_softmax(const Tensor& scores, const Mask& mask) {
    require_rank("masked_softmax", "scores", scores, 3);
    const int B = scores.dim(0), T = scores.dim(1), S = scores.dim(2);
    const bool fits = mask.empty() || mask.shape == Shape{T, S} || mask.shape == Shape{B, T, S};
    if (!fits || (!mask.empty() && mask.allowed.size() != element_count(mask.shape)))
        throw ShapeError("masked_softmax: scores " + to_string(scores.shape()) + " and mask " + to_string(mask.shape) +
                         " disagree: the mask must be (T, S) or (B, T, S)");
    Tensor p(scores.shape());  // zeros: blocked positions and fully blocked rows stay 0
    parallel_for(B * T, 4.0 * S, [&](int first, int last) {
        for (int row = first; row < last; ++row) {
            const int b = row / T, t = row % T;
            const float* in = &scores(b, t, 0);
            float* out = &p(b, t, 0);
            // this row's mask: allowed[s] != 0 where query t may attend to key s; null for no mask
            const std::uint8_t* allowed = mask.empty() ? nullptr : &mask.allowed[static_cast<std::size_t>(mask.shape.size() == 3 ? row : t) * S];
            // m = max over allowed keys only; blocked keys act as -infinity and contribute e^-inf = 0
            float m = -std::numeric_limits<float>::infinity();
            for (int s = 0; s < S; ++s)
                if (!allowed || allowed[s]) m = std::max(m, in[s]);
            if (m == -std::numeric_limits<float>::infinity()) continue;  // fully blocked row: all zeros
            // out_s = e^(x_s - m) for allowed keys, exactly 0 for blocked ones; then divide by the sum
            for (int s = 0; s < S; ++s) out[s] = in[s] - m;
            exp_array(out, out, S);
            if (allowed)
                for (int s = 0; s < S; ++s)
                    if (!allowed[s]) out[s] = 0.0f;
            const float sum = wb::sum(out, S);
            for (int s = 0; s < S; ++s) out[s] /= sum;
        }
    });
    return p;
}

}  // namespace wb
