// Exercise BytePairEncoding. Contracts and math: bpe.hpp. Grade: ./wb grade 11
#include "chapters/11_lm_training/bpe.hpp"

namespace wb {

std::vector<std::string> bpe_chunks(const std::string& text) {
    // TODO: runs of one byte class (letter, digit, >= 0x80, space, other); a single space before a run of another
    //       class joins it. Worked example: "Hi  there, 42!" -> "Hi", " ", " there", ",", " 42", "!".
    throw NotImplemented("bpe_chunks");
}

BpeTokenizer train_bpe(const std::string& corpus, int vocab_size, const std::vector<std::string>& specials) {
    // TODO: cut the corpus at the specials, count the chunks, then until the vocabulary is full: count adjacent pairs
    //       (weighted by the chunk counts), take the most frequent (ties: the smallest (left, right)), merge it in
    //       every chunk left to right, record it and its bytes. Specials get the ids after the merges.
    // Worked example: "abcd", vocab_size 259: every pair occurs once, so the ties decide: (97, 98) -> 256, then
    //       (99, 100) -> 257 (smaller than (256, 99)), then (256, 257) -> 258.
    throw NotImplemented("train_bpe");
}

std::vector<int> bpe_encode(const BpeTokenizer& tokenizer, const std::string& text) {
    // TODO: specials first; each chunk between them: bytes, then the lowest-rank mergeable pair, merged everywhere,
    //       until none is left.
    // Worked example: merges (b, c) -> 256, (a, b) -> 257: "abc" -> [97, 256] (by rank, not the leftmost pair).
    throw NotImplemented("bpe_encode");
}

std::string bpe_decode(const BpeTokenizer& tokenizer, const std::vector<int>& ids) {
    // TODO: concatenate vocab[id]; an id outside the vocabulary is a ShapeError naming "bpe_decode".
    throw NotImplemented("bpe_decode");
}

}  // namespace wb
