// Exercises Sampling, TopKTopP and BeamSearch. Contracts and math: sampling.hpp. Grade: ./wb grade 09
#include "chapters/09_transformer/sampling.hpp"

namespace wb {

int draw_token(const Tensor& probs, float u) {
    // TODO: walk the tokens adding up probs; return the first i whose running sum exceeds u (skip zero-probability
    //       tokens); if rounding never gets there, the last token with nonzero probability.
    //       Reject probs that is not rank 1 or u outside [0, 1) (ShapeError naming "draw_token").
    // Worked example: probs = [0.2, 0.5, 0.3]: u = 0.1 -> 0, u = 0.2 -> 1, u = 0.69 -> 1, u = 0.7 -> 2.
    throw NotImplemented("draw_token");
}

Sample sample_greedy(const Tensor& logits) {
    // TODO: the argmax (the lowest index among ties) and a one-hot probs (V).
    //       Reject logits that is not (V), V >= 1 (ShapeError naming "sample_greedy").
    // Worked example: logits [1, 3, 3] -> token 1, probs [0, 1, 0].
    throw NotImplemented("sample_greedy");
}

Sample sample_temperature(const Tensor& logits, float temperature, float u) {
    // TODO: probs = softmax(logits / T) (subtract the max first: T = 0.01 multiplies logits by 100);
    //       token = draw_token(probs, u). Reject T <= 0 (ShapeError naming "sample_temperature").
    // Worked example: logits [0, ln 3], T = 1 -> probs [0.25, 0.75]; T = 0.5 -> [0.1, 0.9].
    throw NotImplemented("sample_temperature");
}

Sample sample_top_k(const Tensor& logits, int k, float temperature, float u) {
    // TODO: kth = the k-th largest logit (the smallest one if k >= V); keep every token with logit >= kth
    //       (ties at the k-th stay); probs = softmax(logits / T) over the kept tokens, 0 elsewhere; draw.
    //       Reject k < 1 or T <= 0 (ShapeError naming "sample_top_k").
    // Worked example: logits [2, 1, 1, 0], k = 2 -> tokens 0, 1 and 2 kept (a tie at the 2nd), token 3 gets 0.
    throw NotImplemented("sample_top_k");
}

Sample sample_top_p(const Tensor& logits, float top_p, float temperature, float u) {
    // TODO: p = softmax(logits / T). Take tokens in decreasing p, adding their mass, until the mass is >= top_p;
    //       then also every token exactly as probable as the last one taken. Renormalise over those; draw.
    //       Reject top_p outside (0, 1] or T <= 0 (ShapeError naming "sample_top_p").
    // Worked example: p = [0.5, 0.3, 0.2], top_p = 0.7 -> tokens 0 and 1 (0.5 < 0.7 <= 0.8): [0.625, 0.375, 0].
    throw NotImplemented("sample_top_p");
}

std::vector<Hypothesis> beam_search(const NextTokenLogProbs& next, const std::vector<int>& prompt, int beam_width,
                                    int max_new_tokens, int eos, float length_penalty) {
    // TODO: live = {empty beam, log_prob 0}. Each step (until max_new_tokens, or W hypotheses finished):
    //       every live beam b and token v gives (log_prob_b + next(prompt + tokens_b)[v], b, v); sort best first
    //       (ties: lower b, then lower v); walk: v == eos within the first W ranks -> finished (while fewer than W),
    //       eos further down -> dropped, otherwise a new live beam, until W live beams. If the step limit ended it
    //       with fewer than W finished, the live beams join them. score = log_prob / len^length_penalty; sort by
    //       score (ties: shorter, then lower tokens). Reject W < 1 or max_new_tokens < 1 (ShapeError "beam_search").
    // Worked example: see the graded test BeamSearch.TwoStepsByHand: W = 2, a 3-token vocabulary, eos = 2.
    throw NotImplemented("beam_search");
}

}  // namespace wb
