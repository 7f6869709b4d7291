/// @file bpe.hpp
/// Exercise **BytePairEncoding**: a byte-level BPE tokenizer (Sennrich et al., 2016, on bytes as GPT-2 does): train
/// merges on a corpus, encode, decode. Every byte string round-trips exactly, invalid UTF-8 included, because the 256
/// bytes are tokens before any merge: there is no unknown token.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "framework/errors.hpp"

namespace wb {

/// A trained tokenizer. Token ids: 0-255 are the bytes; 256 + r is the token merge r made; after the merges come
/// the special tokens, in the order given.
struct BpeTokenizer {
    std::vector<std::pair<int, int>> merges;  ///< merge r joins (left id, right id) into id 256 + r, in training order
    std::vector<std::string> vocab;           ///< the bytes each id stands for (256 + merges + specials entries)
    std::vector<std::string> specials;        ///< special tokens, ids 256 + merges.size() on; never split or merged
};

/// Splits text into the chunks that merges never cross. Each byte has a class: an ASCII letter, an ASCII digit, a
/// byte >= 0x80 (so a UTF-8 character, and a run of Chinese text, stays in one chunk), a space (0x20) or other.
/// A chunk is a maximal run of bytes of one class, except that a single space right before a run of another class
/// joins that run (" the" is one chunk; of several spaces before a word, the last one joins it).
/// Example: "Hi  there, 42!" -> "Hi", " ", " there", ",", " 42", "!".
/// @param text any bytes
/// @return the chunks, whose concatenation is text
std::vector<std::string> bpe_chunks(const std::string& text);

/// Trains merges until the vocabulary has vocab_size entries (bytes + merges + specials), or earlier when every chunk
/// has become a single token. The corpus is first cut at every occurrence of a special
/// token (those are removed: they never take part in a merge), then split by bpe_chunks. Each round counts every
/// adjacent pair of tokens inside chunks (a chunk counted as often as it occurs), merges the most frequent pair
/// everywhere, left to right without overlap, and records it. Ties go to the pair with the smallest (left id, right id).
/// @param corpus training text, any bytes
/// @param vocab_size >= 256 + specials.size()
/// @param specials special tokens (non-empty, distinct)
/// @throws ShapeError naming "train_bpe" if vocab_size is too small or a special token is empty or repeated.
BpeTokenizer train_bpe(const std::string& corpus, int vocab_size, const std::vector<std::string>& specials = {});

/// Encodes text: special tokens first (the earliest occurrence, the longest special at a position), then every
/// chunk of the text between them: its bytes, then repeatedly the adjacent pair whose merge has the lowest rank,
/// merged everywhere in the chunk, until no pair has a merge.
/// @param tokenizer a trained tokenizer
/// @param text any bytes
/// @return token ids
std::vector<int> bpe_encode(const BpeTokenizer& tokenizer, const std::string& text);

/// The bytes of ids, concatenated: decode(encode(text)) == text for every text.
/// @throws ShapeError naming "bpe_decode" and the id if an id is not in the vocabulary.
std::string bpe_decode(const BpeTokenizer& tokenizer, const std::vector<int>& ids);

}  // namespace wb
