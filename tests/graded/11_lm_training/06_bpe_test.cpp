// Graded tests for exercise BytePairEncoding. Golden: tests/fixtures/11_lm_training/bpe.wbt, written by an
// independent Python reference of the same contract (tools/fixtures/bpe_reference.py): the merges it trains on a
// corpus of English, Chinese, invalid UTF-8 and special tokens, and its encodings with the merges of another corpus.
#include <string>
#include <utility>
#include <vector>

#include "chapters/11_lm_training/bpe.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

namespace {

const std::string kLmEndOfText = "<|endoftext|>";

/// Bytes stored one per value (n) -> the string.
std::string lm_bytes(const Tensor& values) {
    std::string s;
    for (float v : values) s.push_back(static_cast<char>(static_cast<int>(v)));
    return s;
}

/// Ids -> (n) floats, and a tokenizer's merges -> (M, 2).
Tensor lm_ids(const std::vector<int>& ids) {
    Tensor t({static_cast<int>(ids.size())});
    for (std::size_t i = 0; i < ids.size(); ++i) t[i] = static_cast<float>(ids[i]);
    return t;
}
Tensor lm_merges(const BpeTokenizer& t) {
    Tensor m({static_cast<int>(t.merges.size()), 2});
    for (std::size_t r = 0; r < t.merges.size(); ++r) {
        m(static_cast<int>(r), 0) = static_cast<float>(t.merges[r].first);
        m(static_cast<int>(r), 1) = static_cast<float>(t.merges[r].second);
    }
    return m;
}

/// A tokenizer from merges (M, 2) and the end-of-text special, its vocabulary built by the test itself.
BpeTokenizer lm_tokenizer(const Tensor& merges) {
    BpeTokenizer t;
    for (int b = 0; b < 256; ++b) t.vocab.push_back(std::string(1, static_cast<char>(b)));
    for (int r = 0; r < merges.dim(0); ++r) {
        const std::pair<int, int> pair{static_cast<int>(merges(r, 0)), static_cast<int>(merges(r, 1))};
        t.merges.push_back(pair);
        t.vocab.push_back(t.vocab[static_cast<std::size_t>(pair.first)] + t.vocab[static_cast<std::size_t>(pair.second)]);
    }
    t.specials = {kLmEndOfText};
    t.vocab.push_back(kLmEndOfText);
    return t;
}

}  // namespace

GRADED_TEST(BytePairEncoding, Chunks, 2,
            "Runs of one class (letter, digit, byte >= 0x80, space, other); one space joins the run after it.") {
    using Chunks = std::vector<std::string>;
    EXPECT_EQ(LEARNER(bpe_chunks("Hi  there, 42!")), (Chunks{"Hi", " ", " there", ",", " 42", "!"}));
    EXPECT_EQ(LEARNER(bpe_chunks("a  ")), (Chunks{"a", "  "})) << "trailing spaces stay together";
    EXPECT_EQ(LEARNER(bpe_chunks("\xe6\x98\x8e\xe6\x9c\x88 ok")), (Chunks{"\xe6\x98\x8e\xe6\x9c\x88", " ok"}))
        << "Chinese characters are one run of bytes >= 0x80";
    EXPECT_EQ(LEARNER(bpe_chunks("")), Chunks{});
}

GRADED_TEST(BytePairEncoding, TiesGoToTheSmallestPair, 2,
            "\"abcd\": every pair occurs once; (a, b) first, then (c, d) = (99, 100) before (256, c), then (256, 257).") {
    const BpeTokenizer t = LEARNER(train_bpe("abcd", 259));
    EXPECT_TENSOR_NEAR(lm_merges(t), Tensor({3, 2}, {97, 98, 99, 100, 256, 257}), tol::kExact);
    EXPECT_EQ(t.vocab.size(), 259u);
}

GRADED_TEST(BytePairEncoding, TrainMatchesTheReference, 3,
            "60 merges on English, Chinese, invalid UTF-8 and end-of-text tokens, in the reference's order.") {
    const auto g = fixtures::load("11_lm_training", "bpe");
    const BpeTokenizer t = LEARNER(train_bpe(lm_bytes(g["corpus"]), 256 + 60 + 1, {kLmEndOfText}));
    EXPECT_TENSOR_NEAR(lm_merges(t), g["merges"], tol::kExact);
    EXPECT_EQ(t.vocab.size(), 317u);
    EXPECT_EQ(t.vocab.back(), kLmEndOfText) << "the special token takes the last id";
}

GRADED_TEST(BytePairEncoding, SpecialsNeverMerge, 2,
            "A special token is cut out before training and matched first when encoding: one id, never split.") {
    // "SEP" is letters like the text around it: without the cut, "abSEPab..." would be one chunk full of pairs
    const BpeTokenizer t = LEARNER(train_bpe("abSEPabSEPab", 256 + 10 + 1, {"SEP"}));
    EXPECT_TENSOR_NEAR(lm_merges(t), Tensor({1, 2}, {97, 98}), tol::kExact) << "only (a, b) is left to merge";
    EXPECT_EQ(t.vocab.back(), "SEP") << "the special token takes the id after the merges";
    const std::vector<int> ids = LEARNER(bpe_encode(lm_tokenizer(Tensor({1, 2}, {120, 120})), "xx<|endoftext|>x"));
    EXPECT_EQ(ids, (std::vector<int>{256, 257, 120})) << "xx, the special (id 256 + 1 merge), x";
}

GRADED_TEST(BytePairEncoding, LowestRankFirst, 2,
            "Merges (b, c) then (a, b): \"abc\" becomes a + bc, by rank, not ab + c, the leftmost pair first.") {
    const BpeTokenizer t = lm_tokenizer(Tensor({2, 2}, {98, 99, 97, 98}));
    EXPECT_EQ(LEARNER(bpe_encode(t, "abc")), (std::vector<int>{97, 256}));
    EXPECT_EQ(LEARNER(bpe_encode(t, "abcab")), (std::vector<int>{97, 256, 257})) << "and the later (a, b) still merges";
}

GRADED_TEST(BytePairEncoding, EncodeMatchesTheReference, 3,
            "Per chunk: the adjacent pair with the lowest merge rank, merged everywhere, until none is left.") {
    const auto g = fixtures::load("11_lm_training", "bpe");
    const BpeTokenizer t = lm_tokenizer(g["encoder_merges"]);
    for (int i = 0; i < 5; ++i) {
        const std::string k = std::to_string(i);
        EXPECT_TENSOR_NEAR(lm_ids(LEARNER(bpe_encode(t, lm_bytes(g["text" + k])))), g["ids" + k], tol::kExact) << "text " << i;
    }
}

GRADED_TEST(BytePairEncoding, RoundTrip, 2, "decode(encode(text)) == text for any bytes: invalid UTF-8, zero bytes, Chinese.") {
    const auto g = fixtures::load("11_lm_training", "bpe");
    const BpeTokenizer t = lm_tokenizer(g["encoder_merges"]);
    std::string every_byte;
    for (int b = 255; b >= 0; --b) every_byte.push_back(static_cast<char>(b));
    for (const std::string& text : {every_byte, lm_bytes(g["corpus"]), std::string("\xc3\x28 the\0the", 10)})
        EXPECT_EQ(LEARNER(bpe_decode(t, bpe_encode(t, text))), text);
}

GRADED_TEST(BytePairEncoding, BadInput, 1, "A vocabulary below 256 + specials, an empty or repeated special, an unknown id is an error.") {
    EXPECT_SHAPE_ERROR(train_bpe("abc", 256, {"<s>"}), "train_bpe");
    EXPECT_SHAPE_ERROR(train_bpe("abc", 300, {""}), "train_bpe");
    EXPECT_SHAPE_ERROR(train_bpe("abc", 300, {"<s>", "<s>"}), "train_bpe");
    EXPECT_SHAPE_ERROR(bpe_decode(lm_tokenizer(Tensor({0, 2})), {257}), "bpe_decode");
}
