/// @file sampling.hpp
/// Exercises **Sampling**, **TopKTopP** and **BeamSearch**: turning the model's next-token logits into a token.
#pragma once
#include <functional>
#include <vector>

#include "framework/tensor.hpp"

namespace wb {

/// What a sampler decided: the distribution it draws from (filtered and renormalised) and the token drawn.
struct Sample {
    Tensor probs;  ///< (V): sums to 1; 0 for every token the filter removed
    int token;     ///< in [0, V)
};

/// The token that a uniform number u in [0, 1) picks from probs (inverse CDF): the smallest i with
/// \f$\sum_{j \le i} p_j > u\f$; the last token of nonzero probability if rounding leaves the sum at or below u.
/// Drawing u outside and passing it in makes every sampler a pure function: the tests give the u.
/// @param probs (V), nonnegative, summing to 1
/// @param u in [0, 1)
/// @throws ShapeError naming "draw_token" if probs is not rank 1 or u is outside [0, 1).
int draw_token(const Tensor& probs, float u);

/// Greedy decoding: the argmax, the lowest index among ties; probs is one-hot on it.
/// @param logits (V)
/// @throws ShapeError naming "sample_greedy" if logits is not rank 1 or is empty.
Sample sample_greedy(const Tensor& logits);

/// Temperature sampling: \f$p = \operatorname{softmax}(z / T)\f$, then draw_token(p, u). T < 1 sharpens the
/// distribution, T > 1 flattens it, and as T -> 0 it tends to greedy decoding (ties share the mass).
/// @param logits z, (V)
/// @param temperature T > 0 (greedy decoding is sample_greedy, not T = 0)
/// @param u the uniform number for draw_token
/// @throws ShapeError naming "sample_temperature" if logits is not rank 1 or T <= 0.
Sample sample_temperature(const Tensor& logits, float temperature, float u);

/// Top-k sampling (Fan et al., 2018): softmax(z / T) over the k tokens of largest logit, zero elsewhere.
/// Every token whose logit equals the k-th largest is kept too (as Hugging Face's TopKLogitsWarper does), so the
/// result never depends on token ids; k >= V keeps every token.
/// @param logits z, (V)
/// @param k >= 1
/// @param temperature T > 0, applied before the filter
/// @param u the uniform number for draw_token
/// @throws ShapeError naming "sample_top_k" if logits is not rank 1, k < 1 or T <= 0.
Sample sample_top_k(const Tensor& logits, int k, float temperature, float u);

/// Top-p (nucleus) sampling (Holtzman et al., 2020): with p = softmax(z / T), the nucleus is the smallest set
/// of most probable tokens whose mass reaches top_p: tokens are taken in decreasing probability until their sum
/// is >= top_p; every token as probable as the last one taken is taken too. The nucleus is renormalised.
/// top_p = 1 keeps every token; a tiny top_p keeps the most probable token (and its ties).
/// @param logits z, (V)
/// @param top_p in (0, 1]
/// @param temperature T > 0, applied before the filter
/// @param u the uniform number for draw_token
/// @throws ShapeError naming "sample_top_p" if logits is not rank 1, top_p is outside (0, 1] or T <= 0.
Sample sample_top_p(const Tensor& logits, float top_p, float temperature, float u);

/// A language model's next-token log-probabilities after a prefix of token ids: (V), log-softmax of the logits.
using NextTokenLogProbs = std::function<Tensor(const std::vector<int>& prefix)>;

/// One finished hypothesis of beam_search.
struct Hypothesis {
    std::vector<int> tokens;  ///< the generated tokens after the prompt, the final eos included if it ended so
    double log_prob;          ///< the sum of their log-probabilities
    double score;             ///< log_prob / tokens.size()^length_penalty, what the beams are ranked by at the end
};

/// Beam search with a length penalty, as Hugging Face's generate(num_beams=W, early_stopping=True) runs it
/// (score = log_prob / length^alpha, the length here counting the generated tokens, eos included; Hugging Face's
/// versions have differed on which length they divide by). Each step:
/// 1. extends every live beam by every token: log_prob(beam) + next(prompt + beam)[token];
/// 2. ranks the extensions by log_prob, best first (ties: the better-ranked beam, then the lower token id);
/// 3. walks down that ranking: an extension ending in eos that ranks among the first W finishes (a hypothesis,
///    eos included); a lower-ranked one is dropped; any other extension becomes a live beam, until W are live.
/// The search stops once W hypotheses have finished, or after max_new_tokens steps, when the live beams count
/// as hypotheses too. The first step has one live beam (the empty one), so its W extensions are all distinct.
/// @param next the model: log-probabilities (V) of the next token after prompt + tokens so far
/// @param prompt the prompt's token ids (not part of any hypothesis)
/// @param beam_width W >= 1 (1 is greedy decoding up to the first eos)
/// @param max_new_tokens >= 1
/// @param eos the end-of-sequence token id
/// @param length_penalty alpha: 0 ranks by log_prob (short outputs win), 1 by log_prob per token
/// @return the hypotheses, best score first (ties: fewer tokens first, then the lower token ids)
/// @throws ShapeError naming "beam_search" if W < 1, max_new_tokens < 1 or next returns anything but (V).
std::vector<Hypothesis> beam_search(const NextTokenLogProbs& next, const std::vector<int>& prompt, int beam_width,
                                    int max_new_tokens, int eos, float length_penalty = 1.0f);

}  // namespace wb
