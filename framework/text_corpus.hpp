// Text corpora from Debian packages, for the language-model chapters (09, 11): the fortune cookies of `fortunes`
// (English) and the Tang and Song poems of `fortunes-zh` (Chinese), read as UTF-8 characters.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "framework/random.hpp"
#include "framework/tensor.hpp"

namespace wb {

/// Where the packages put their files.
inline constexpr const char* kFortunesFolder = "/usr/share/games/fortunes";

/// The entries of strfile-format text files (entries separated by a line holding only "%"), in file order, each
/// without its trailing newline; ANSI colour sequences (fortunes-zh colours its signatures) are removed.
/// @throws IoError naming the path of a file that is missing or unreadable, and the package that brings it.
std::vector<std::string> read_fortunes(const std::vector<std::string>& paths);

/// The English corpus: every text file of kFortunesFolder except fortunes-zh's (chinese, song100, tang300), sorted by
/// name; not the .dat indexes, not the .u8 links.
/// @throws IoError naming the folder and the package (apt-get install fortunes) if there is none.
std::vector<std::string> english_fortune_files();

/// The Chinese corpus: fortunes-zh's 300 Tang poems and 100 Song lyrics (tang300, song100).
/// @throws IoError naming the package (apt-get install fortunes-zh) if they are missing.
std::vector<std::string> chinese_poem_files();

/// The UTF-8 characters of s, one string per code point (a byte that starts no valid sequence is one character).
std::vector<std::string> utf8_characters(const std::string& s);

/// Documents split into training and held-out ones as the text programs split them: every `every`-th document (index
/// every - 1, 2 * every - 1, ...) is held out, the rest train.
struct DocumentSplit {
    std::vector<std::string> train, validation;
};
DocumentSplit hold_out_every(const std::vector<std::string>& documents, int every);

/// A character vocabulary: id 0 is the end of a document, then the characters by decreasing count (ties by their
/// bytes), so that the same text gives the same ids.
struct CharVocabulary {
    std::vector<std::string> symbols;  ///< symbols[id]; symbols[0] = "\n\n" (end of document)
    std::map<std::string, int> ids;

    /// The vocabulary of every character of the documents.
    static CharVocabulary of(const std::vector<std::string>& documents);
    /// The documents as one stream of ids, each followed by the end-of-document id 0.
    /// @throws std::out_of_range naming a character outside the vocabulary.
    std::vector<int> encode(const std::vector<std::string>& documents) const;
    /// The text of ids (id 0 written as a blank line).
    std::string decode(const std::vector<int>& ids) const;
    int size() const { return static_cast<int>(symbols.size()); }
};

/// A batch of next-token windows: N windows of T ids starting at offsets drawn uniformly from the stream, and the
/// same windows shifted by one (the targets).
struct TokenBatch {
    Tensor inputs;   ///< (N, T) ids as floats
    Tensor targets;  ///< (N, T) the next id of each input position
};

/// N windows of T + 1 consecutive ids of `stream`, drawn with `rng`.
/// @throws ShapeError naming "next_token_batch" if the stream is shorter than T + 1.
TokenBatch next_token_batch(const std::vector<int>& stream, int N, int T, Rng& rng);

/// The stream from its start as consecutive windows of T + 1 ids (window w holds ids wT .. wT + T, so each window's
/// last id is the next one's first and every id after the first is a target once), at most max_windows of them, in
/// batches of up to N: a validation set that is the same for every run.
/// @throws ShapeError naming "consecutive_windows" if the stream is shorter than T + 1.
std::vector<TokenBatch> consecutive_windows(const std::vector<int>& stream, int N, int T, int max_windows);

}  // namespace wb
