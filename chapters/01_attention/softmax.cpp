// Exercises Softmax and MaskedSoftmax. Contracts and math: softmax.hpp. Grade: ./wb grade 01
#include "chapters/01_attention/softmax.hpp"

namespace wb {

Tensor softmax(const Tensor& x) {
    // TODO: for each row of the last dimension (x.dim(-1) values each, x.size() / x.dim(-1) rows):
    //       m = the row's max;  out_j = exp(x_j - m);  divide every out_j by the row's sum.
    //       Throw ShapeError naming "softmax" for an empty x.
    // Worked example: [1000, 1000] -> [0.5, 0.5]  (exp(1000) alone would be inf).
    throw NotImplemented("softmax");
}

Mask causal_mask(int T, int S) {
    // TODO: a Mask of shape {T, S}; allowed[t * S + s] = 1 when s <= t, else 0.
    // Worked example: T = S = 3 gives rows 100, 110, 111.
    throw NotImplemented("causal_mask");
}

Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) {
    // TODO: a Mask of shape {B, T, S} with B = key_lengths.size();
    //       in sequence b, keys s < key_lengths[b] are allowed for every query t.
    //       Reject lengths outside [0, S] and non-positive T, S with a ShapeError naming "padding_mask".
    throw NotImplemented("padding_mask");
}

Tensor masked_softmax(const Tensor& scores, const Mask& mask) {
    // TODO: scores (B, T, S). Check the mask is empty, (T, S) or (B, T, S) (ShapeError naming
    //       "masked_softmax" and both shapes otherwise). Per row (b, t):
    //       m = max over allowed s only; p_s = exp(x_s - m) for allowed s, exactly 0 for blocked s;
    //       divide by the sum. A row with no allowed key stays all zeros.
    // Mask first, then normalise: normalising and then zeroing leaves rows that do not sum to 1.
    throw NotImplemented("masked_softmax");
}

}  // namespace wb
