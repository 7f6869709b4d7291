// Small text tasks generated in code from a seed (no downloads), for the NLP chapters: date-format
// translation, sentences whose label sits in one word anywhere, and fact passages with questions whose
// answer is a span. A vocabulary turns their tokens into the id tensors the kernels take.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "framework/tensor.hpp"

namespace wb {

/// Tokens to ids and back. Ids 0, 1, 2 are reserved: padding, start of sequence, end of sequence;
/// the symbols follow in the order given.
class Vocabulary {
public:
    static constexpr int kPad = 0, kStart = 1, kEnd = 2;

    /// @throws std::invalid_argument if a symbol repeats.
    explicit Vocabulary(const std::vector<std::string>& symbols);
    /// @throws std::invalid_argument naming the token if it is not in the vocabulary.
    int id(const std::string& token) const;
    /// "<pad>", "<s>", "</s>" for the reserved ids. @throws std::out_of_range for an id outside [0, size).
    const std::string& token(int id) const;
    int size() const { return static_cast<int>(tokens_.size()); }

    /// Token sequences as ids (N, T), T the longest sequence (+ 1 with end), padded with kPad on the
    /// right (left_pad: on the left, so every row's last position is real), and the mask (N, T): 1 on
    /// real positions (end included), 0 on padding.
    struct Encoded {
        Tensor ids;
        Tensor mask;
    };
    Encoded encode(const std::vector<std::vector<std::string>>& sequences, bool append_end, bool left_pad) const;
    /// A row of ids up to (not including) its first kEnd, padding skipped, tokens joined by `separator`.
    std::string decode(const float* ids, int length, const std::string& separator) const;

private:
    std::vector<std::string> tokens_;
    std::unordered_map<std::string, int> ids_;
};

/// The characters of s, one token each.
std::vector<std::string> characters(const std::string& s);
/// s split at spaces.
std::vector<std::string> words(const std::string& s);

/// One date written by a person, and the same date in ISO 8601.
struct DatePair {
    std::string source;  ///< e.g. "25 Nov 2026", "November 25, 2026", "2026/11/25", "Wed, 25.11.2026"
    std::string target;  ///< "2026-11-25"
    int format;          ///< which of kDateFormats wrote the source
};
/// How many human formats make_date_pairs draws from.
inline constexpr int kDateFormats = 14;

/// `count` dates drawn uniformly from 1950-01-01 .. 2049-12-31, each written in a format drawn
/// uniformly; the sources in `exclude` are skipped (pass the training set's to get a test set with
/// no date seen in training). The same seed gives the same pairs.
std::vector<DatePair> make_date_pairs(int count, std::uint64_t seed, const std::vector<DatePair>& exclude = {});

/// A sentence of filler words with one decisive word, the only word that tells its class.
struct KeywordSentence {
    std::vector<std::string> words;
    int label;     ///< the decisive word's class, in [0, kKeywordClasses)
    int position;  ///< where the decisive word sits
};
inline constexpr int kKeywordClasses = 4;

/// `count` sentences of min_length .. max_length words: fillers drawn from a fixed list of 60, then one
/// of them replaced by a decisive word (4 per class), at a position drawn uniformly.
/// @throws std::invalid_argument unless 1 <= min_length <= max_length.
std::vector<KeywordSentence> make_keyword_sentences(int count, int min_length, int max_length, std::uint64_t seed);

/// A short passage of facts about people, a question about one fact, and where its answer is.
struct FactQuestion {
    std::vector<std::string> passage;   ///< e.g. "anna lives in oslo . ben keeps a cat . ..."
    std::vector<std::string> question;  ///< e.g. "where does anna live ?"
    int answer_start, answer_end;       ///< the answer's words are passage[start .. end], inclusive
};

/// `count` passages of `facts` facts each about three people (a person has up to four relations: where
/// they live, their pet, job and color), no (person, relation) twice; the question asks about one fact,
/// so it takes both the name and the relation to find it. Answers are one or two words long.
/// @throws std::invalid_argument unless 2 <= facts <= 12.
std::vector<FactQuestion> make_fact_questions(int count, int facts, std::uint64_t seed);

}  // namespace wb
