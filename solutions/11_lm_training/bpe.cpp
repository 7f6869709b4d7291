// Reference: byte-level BPE: chunks, training by the most frequent pair, encoding by merge rank, decoding.
#include "chapters/11_lm_training/bpe.hpp"

#include <map>
#include <set>
#include <string>

namespace wb {
namespace {

enum class ByteClass { kLetter, kDigit, kHigh, kSpace, kOther };

ByteClass class_of(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return ByteClass::kLetter;
    if (c >= '0' && c <= '9') return ByteClass::kDigit;
    if (c >= 0x80) return ByteClass::kHigh;
    if (c == ' ') return ByteClass::kSpace;
    return ByteClass::kOther;
}

/// text cut at every occurrence of a special token: the pieces between them, and each special's index (-1: text).
/// At a position the earliest-starting special wins, and of those the longest.
std::vector<std::pair<std::string, int>> split_specials(const std::string& text, const std::vector<std::string>& specials) {
    std::vector<std::pair<std::string, int>> pieces;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t best_at = std::string::npos;
        int best = -1;
        for (int s = 0; s < static_cast<int>(specials.size()); ++s) {
            const std::size_t at = text.find(specials[static_cast<std::size_t>(s)], start);
            if (at == std::string::npos) continue;
            if (at < best_at || (at == best_at && specials[static_cast<std::size_t>(s)].size() >
                                                      specials[static_cast<std::size_t>(best)].size()))
                best_at = at, best = s;
        }
        if (best < 0) break;
        if (best_at > start) pieces.push_back({text.substr(start, best_at - start), -1});
        pieces.push_back({specials[static_cast<std::size_t>(best)], best});
        start = best_at + specials[static_cast<std::size_t>(best)].size();
    }
    if (start < text.size()) pieces.push_back({text.substr(start), -1});
    return pieces;
}

/// Replaces every (left, right) in tokens by id, left to right without overlap.
void merge_pair(std::vector<int>& tokens, std::pair<int, int> pair, int id) {
    std::vector<int> out;
    out.reserve(tokens.size());
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (i + 1 < tokens.size() && tokens[i] == pair.first && tokens[i + 1] == pair.second) {
            out.push_back(id);
            ++i;
        } else {
            out.push_back(tokens[i]);
        }
    }
    tokens = std::move(out);
}

std::vector<int> bytes_of(const std::string& chunk) {
    std::vector<int> tokens;
    for (unsigned char c : chunk) tokens.push_back(c);
    return tokens;
}

}  // namespace

std::vector<std::string> bpe_chunks(const std::string& text) {
    std::vector<std::string> chunks;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t start = i;
        ByteClass cls = class_of(static_cast<unsigned char>(text[i]));
        // a single space joins the run of another class right after it
        if (cls == ByteClass::kSpace && i + 1 < text.size() &&
            class_of(static_cast<unsigned char>(text[i + 1])) != ByteClass::kSpace) {
            ++i;
            cls = class_of(static_cast<unsigned char>(text[i]));
        } else if (cls == ByteClass::kSpace) {
            // a run of spaces: all but the last, which may join the next run
            std::size_t end = i;
            while (end < text.size() && text[end] == ' ') ++end;
            const std::size_t keep = end < text.size() ? end - 1 : end;
            if (keep > start) {
                chunks.push_back(text.substr(start, keep - start));
                i = keep;
                continue;
            }
        }
        while (i < text.size() && class_of(static_cast<unsigned char>(text[i])) == cls) ++i;
        chunks.push_back(text.substr(start, i - start));
    }
    return chunks;
}

BpeTokenizer train_bpe(const std::string& corpus, int vocab_size, const std::vector<std::string>& specials) {
    const char* op = "train_bpe";
    std::set<std::string> distinct;
    for (const std::string& s : specials) {
        if (s.empty()) throw ShapeError(std::string(op) + ": a special token is empty");
        if (!distinct.insert(s).second) throw ShapeError(std::string(op) + ": special token '" + s + "' is repeated");
    }
    if (vocab_size < 256 + static_cast<int>(specials.size()))
        throw ShapeError(std::string(op) + ": vocab_size " + std::to_string(vocab_size) + " is below the 256 bytes plus " +
                         std::to_string(specials.size()) + " special tokens");
    BpeTokenizer t;
    for (int b = 0; b < 256; ++b) t.vocab.push_back(std::string(1, static_cast<char>(b)));
    // each distinct chunk once, with how often it occurs; the specials cut the corpus and take no part
    std::map<std::string, long> chunk_counts;
    for (const auto& [piece, special] : split_specials(corpus, specials))
        if (special < 0)
            for (const std::string& chunk : bpe_chunks(piece)) ++chunk_counts[chunk];
    std::vector<std::pair<std::vector<int>, long>> words;
    for (const auto& [chunk, count] : chunk_counts) words.push_back({bytes_of(chunk), count});

    const int merges = vocab_size - 256 - static_cast<int>(specials.size());
    for (int r = 0; r < merges; ++r) {
        // count(a, b) = sum over chunks of (occurrences of the pair) x (the chunk's count); std::map orders the pairs,
        // so the first of the largest count is the smallest (left, right)
        std::map<std::pair<int, int>, long> pairs;
        for (const auto& [tokens, count] : words)
            for (std::size_t i = 0; i + 1 < tokens.size(); ++i) pairs[{tokens[i], tokens[i + 1]}] += count;
        if (pairs.empty()) break;
        auto best = pairs.begin();
        for (auto it = pairs.begin(); it != pairs.end(); ++it)
            if (it->second > best->second) best = it;
        const int id = 256 + r;
        for (auto& [tokens, count] : words) merge_pair(tokens, best->first, id);
        t.merges.push_back(best->first);
        t.vocab.push_back(t.vocab[static_cast<std::size_t>(best->first.first)] +
                          t.vocab[static_cast<std::size_t>(best->first.second)]);
    }
    t.specials = specials;
    for (const std::string& s : specials) t.vocab.push_back(s);
    return t;
}

std::vector<int> bpe_encode(const BpeTokenizer& tokenizer, const std::string& text) {
    std::map<std::pair<int, int>, int> rank;  // pair -> merge rank r
    for (int r = 0; r < static_cast<int>(tokenizer.merges.size()); ++r) rank.emplace(tokenizer.merges[static_cast<std::size_t>(r)], r);
    const int first_special = 256 + static_cast<int>(tokenizer.merges.size());
    std::vector<int> ids;
    for (const auto& [piece, special] : split_specials(text, tokenizer.specials)) {
        if (special >= 0) {
            ids.push_back(first_special + special);
            continue;
        }
        for (const std::string& chunk : bpe_chunks(piece)) {
            std::vector<int> tokens = bytes_of(chunk);
            // the pair with the lowest rank, merged everywhere, until no adjacent pair has a merge
            while (tokens.size() > 1) {
                int best = -1;
                for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
                    const auto it = rank.find({tokens[i], tokens[i + 1]});
                    if (it != rank.end() && (best < 0 || it->second < best)) best = it->second;
                }
                if (best < 0) break;
                merge_pair(tokens, tokenizer.merges[static_cast<std::size_t>(best)], 256 + best);
            }
            ids.insert(ids.end(), tokens.begin(), tokens.end());
        }
    }
    return ids;
}

std::string bpe_decode(const BpeTokenizer& tokenizer, const std::vector<int>& ids) {
    std::string text;
    for (int id : ids) {
        if (id < 0 || id >= static_cast<int>(tokenizer.vocab.size()))
            throw ShapeError("bpe_decode: id " + std::to_string(id) + " is outside the vocabulary of " +
                             std::to_string(tokenizer.vocab.size()));
        text += tokenizer.vocab[static_cast<std::size_t>(id)];
    }
    return text;
}

}  // namespace wb
