// Reference: greedy, temperature, top-k and top-p sampling, and beam search with a length penalty.
#include "chapters/09_transformer/sampling.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <tuple>

namespace wb {
namespace {

void require_logits(const char* op, const Tensor& logits) {
    if (logits.rank() != 1 || logits.size() == 0)
        throw ShapeError(std::string(op) + ": logits must be (V) with V >= 1, got rank " + std::to_string(logits.rank()));
}

void require_temperature(const char* op, float temperature) {
    if (!(temperature > 0.0f))
        throw ShapeError(std::string(op) + ": temperature " + std::to_string(temperature) +
                         " must be > 0 (greedy decoding is sample_greedy)");
}

/// softmax(z / T) over the tokens with keep[i], zero elsewhere; in double, the max subtracted first.
Tensor softmax_over(const Tensor& logits, float temperature, const std::vector<bool>& keep) {
    const int V = logits.dim(0);
    double top = -INFINITY;
    for (int i = 0; i < V; ++i)
        if (keep[i]) top = std::max(top, static_cast<double>(logits[i]) / temperature);
    std::vector<double> e(V, 0.0);
    double sum = 0;
    for (int i = 0; i < V; ++i)
        if (keep[i]) sum += e[i] = std::exp(static_cast<double>(logits[i]) / temperature - top);
    Tensor probs({V});
    for (int i = 0; i < V; ++i) probs[i] = static_cast<float>(e[i] / sum);
    return probs;
}

}  // namespace

int draw_token(const Tensor& probs, float u) {
    if (probs.rank() != 1 || probs.size() == 0) throw ShapeError("draw_token: probs must be (V) with V >= 1");
    if (!(u >= 0.0f && u < 1.0f)) throw ShapeError("draw_token: u = " + std::to_string(u) + " must be in [0, 1)");
    // the smallest i with p_0 + ... + p_i > u
    double cumulative = 0;
    int last_possible = 0;
    for (int i = 0; i < probs.dim(0); ++i) {
        if (probs[i] > 0) last_possible = i;
        cumulative += probs[i];
        if (cumulative > u && probs[i] > 0) return i;
    }
    return last_possible;  // rounding left the total at or below u
}

Sample sample_greedy(const Tensor& logits) {
    require_logits("sample_greedy", logits);
    const int V = logits.dim(0);
    int best = 0;
    for (int i = 1; i < V; ++i)
        if (logits[i] > logits[best]) best = i;  // strict: the lowest index wins a tie
    Tensor probs({V});
    probs[best] = 1.0f;
    return {probs, best};
}

Sample sample_temperature(const Tensor& logits, float temperature, float u) {
    require_logits("sample_temperature", logits);
    require_temperature("sample_temperature", temperature);
    Tensor probs = softmax_over(logits, temperature, std::vector<bool>(logits.size(), true));
    const int token = draw_token(probs, u);
    return {probs, token};
}

Sample sample_top_k(const Tensor& logits, int k, float temperature, float u) {
    require_logits("sample_top_k", logits);
    require_temperature("sample_top_k", temperature);
    if (k < 1) throw ShapeError("sample_top_k: k = " + std::to_string(k) + " must be >= 1");
    const int V = logits.dim(0);
    // the k-th largest logit; every token at or above it stays (ties at the k-th included)
    std::vector<float> sorted(logits.begin(), logits.end());
    std::sort(sorted.begin(), sorted.end(), std::greater<float>());
    const float kth = sorted[std::min(k, V) - 1];
    std::vector<bool> keep(V);
    for (int i = 0; i < V; ++i) keep[i] = logits[i] >= kth;
    Tensor probs = softmax_over(logits, temperature, keep);
    const int token = draw_token(probs, u);
    return {probs, token};
}

Sample sample_top_p(const Tensor& logits, float top_p, float temperature, float u) {
    require_logits("sample_top_p", logits);
    require_temperature("sample_top_p", temperature);
    if (!(top_p > 0.0f && top_p <= 1.0f)) throw ShapeError("sample_top_p: top_p = " + std::to_string(top_p) + " must be in (0, 1]");
    const int V = logits.dim(0);
    const Tensor full = softmax_over(logits, temperature, std::vector<bool>(V, true));
    // tokens by decreasing probability; take them until the mass reaches top_p, then every tie of the last one
    std::vector<int> order(V);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return full[a] > full[b]; });
    std::vector<bool> keep(V, false);
    double mass = 0;
    float last = 0;
    for (int i : order) {
        if (mass >= top_p && full[i] < last) break;
        keep[i] = true;
        mass += full[i];
        last = full[i];
    }
    Tensor probs = softmax_over(logits, temperature, keep);
    const int token = draw_token(probs, u);
    return {probs, token};
}

std::vector<Hypothesis> beam_search(const NextTokenLogProbs& next, const std::vector<int>& prompt, int beam_width,
                                    int max_new_tokens, int eos, float length_penalty) {
    if (beam_width < 1 || max_new_tokens < 1)
        throw ShapeError("beam_search: beam_width " + std::to_string(beam_width) + " and max_new_tokens " +
                         std::to_string(max_new_tokens) + " must be >= 1");
    struct Beam {
        std::vector<int> tokens;
        double log_prob;
    };
    const auto score = [&](const std::vector<int>& tokens, double log_prob) {
        return log_prob / std::pow(static_cast<double>(tokens.size()), static_cast<double>(length_penalty));
    };
    std::vector<Beam> live{{{}, 0.0}};
    std::vector<Hypothesis> finished;
    for (int step = 0; step < max_new_tokens && static_cast<int>(finished.size()) < beam_width; ++step) {
        // 1. every extension (log_prob, beam rank, token) of every live beam
        std::vector<std::tuple<double, int, int>> extensions;
        for (int b = 0; b < static_cast<int>(live.size()); ++b) {
            std::vector<int> prefix = prompt;
            prefix.insert(prefix.end(), live[b].tokens.begin(), live[b].tokens.end());
            const Tensor log_probs = next(prefix);
            if (log_probs.rank() != 1 || log_probs.size() == 0) throw ShapeError("beam_search: next() must return (V)");
            for (int v = 0; v < log_probs.dim(0); ++v) extensions.emplace_back(live[b].log_prob + log_probs[v], b, v);
        }
        // 2. best log_prob first; ties: the better beam, then the lower token
        std::sort(extensions.begin(), extensions.end(), [](const auto& x, const auto& y) {
            if (std::get<0>(x) != std::get<0>(y)) return std::get<0>(x) > std::get<0>(y);
            return std::make_pair(std::get<1>(x), std::get<2>(x)) < std::make_pair(std::get<1>(y), std::get<2>(y));
        });
        // 3. eos within the first W finishes; anything else fills the W live slots
        std::vector<Beam> kept;
        for (int rank = 0; rank < static_cast<int>(extensions.size()) && static_cast<int>(kept.size()) < beam_width; ++rank) {
            const auto [log_prob, b, token] = extensions[rank];
            std::vector<int> tokens = live[b].tokens;
            tokens.push_back(token);
            if (token == eos) {
                if (rank < beam_width && static_cast<int>(finished.size()) < beam_width)
                    finished.push_back({tokens, log_prob, score(tokens, log_prob)});
            } else {
                kept.push_back({tokens, log_prob});
            }
        }
        live = std::move(kept);
    }
    if (static_cast<int>(finished.size()) < beam_width)  // the step limit ended the search: the live beams count
        for (const Beam& beam : live) finished.push_back({beam.tokens, beam.log_prob, score(beam.tokens, beam.log_prob)});
    std::stable_sort(finished.begin(), finished.end(), [](const Hypothesis& x, const Hypothesis& y) {
        if (x.score != y.score) return x.score > y.score;
        if (x.tokens.size() != y.tokens.size()) return x.tokens.size() < y.tokens.size();
        return x.tokens < y.tokens;
    });
    return finished;
}

}  // namespace wb
