/// @file softmax.hpp
/// Exercises **Softmax** and **MaskedSoftmax**: the normalisation at the heart of attention.
///
/// Shapes: B = batch, T = queries (rows), S = keys (columns). float32, row-major.
#pragma once
#include <cstdint>
#include <vector>

#include "framework/tensor.hpp"

namespace wb {

/// Softmax over the last dimension, stable for any input.
///
/// \f[ \operatorname{softmax}(x)_j = \frac{e^{x_j - m}}{\sum_k e^{x_k - m}}, \qquad m = \max_k x_k \f]
///
/// Subtracting the row maximum changes nothing mathematically (it cancels) but keeps every
/// exponent \f$\le 0\f$, so \f$e^{1000}\f$ never overflows to infinity.
///
/// @param x any shape of rank 1 to 4, e.g. scores (B, T, S); each last-dimension row is normalised.
/// @return the same shape as x; every row is non-negative and sums to 1.
/// @throws ShapeError naming "softmax" if x is empty or has rank 0.
/// PyTorch: `torch.softmax(x, dim=-1)`.
Tensor softmax(const Tensor& x);

/// Which (query, key) pairs may interact: `allowed` is 1 where query t may attend to key s.
///
/// Shape (T, S) for one mask shared by the whole batch, or (B, T, S) for one mask per sequence.
/// An empty mask (the default) allows everything. Note PyTorch's boolean `attn_mask` in
/// `nn.MultiheadAttention` uses the opposite sense (true = blocked).
struct Mask {
    Shape shape;                        ///< (T, S) or (B, T, S); empty = no mask
    std::vector<std::uint8_t> allowed;  ///< row-major, 1 = may attend, 0 = blocked

    /// True for "no mask": every pair may attend.
    bool empty() const { return shape.empty(); }
    /// Whether query t of sequence b may attend to key s (b is ignored for a (T, S) mask).
    bool allows(int b, int t, int s) const {
        if (shape.empty()) return true;
        const int rows = shape[shape.size() - 2], cols = shape.back();
        const std::size_t base = shape.size() == 3 ? static_cast<std::size_t>(b) * rows * cols : 0;
        return allowed[base + static_cast<std::size_t>(t) * cols + s] != 0;
    }
};

/// Causal (look-ahead) mask, (T, S): query t may attend to keys 0..t only, the lower triangle,
/// aligned at the top-left as in PyTorch's `torch.ones(T, S).tril()` / `is_causal=True`.
/// Throws ShapeError naming "causal_mask" if T or S is not positive.
Mask causal_mask(int T, int S);

/// Padding mask, (B, T, S): in sequence b, every query may attend to keys 0..key_lengths[b]-1;
/// the padded keys after them are blocked.
/// Throws ShapeError naming "padding_mask" if a length is outside [0, S] or T, S are not positive.
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S);

/// Softmax over the keys with blocked positions removed.
///
/// \f[ p_{ts} = \frac{[\text{allowed}_{ts}]\, e^{x_{ts} - m_t}}{\sum_{s'} [\text{allowed}_{ts'}]\, e^{x_{ts'} - m_t}},
///     \qquad m_t = \max_{s\ \text{allowed}} x_{ts} \f]
///
/// Blocked positions get exactly 0 weight (not a tiny number): the mask is applied to the
/// scores *before* the softmax, as if they were \f$-\infty\f$. Masking after the softmax leaves
/// rows that no longer sum to 1.
///
/// **A fully blocked row** (a query with nothing it may attend to, e.g. padding queries) is
/// defined here as all zeros, so it contributes nothing downstream and its gradient is zero.
/// (PyTorch returns NaN for such rows.)
///
/// @param scores (B, T, S)
/// @param mask (T, S), (B, T, S) or empty
/// @return (B, T, S) weights; each row sums to 1, or is all zeros if fully blocked.
/// @throws ShapeError naming "masked_softmax" and both shapes when mask and scores disagree.
Tensor masked_softmax(const Tensor& scores, const Mask& mask);

}  // namespace wb
