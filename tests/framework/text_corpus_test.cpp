// The text corpora of the language-model chapters (framework/text_corpus): fortune files read as UTF-8 characters,
// a character vocabulary, and next-token windows.
#include "framework/text_corpus.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "framework/errors.hpp"

using namespace wb;

namespace {
std::string write_temp(const std::string& name, const std::string& text) {
    const std::string path = (std::filesystem::temp_directory_path() / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
}
}  // namespace

TEST(TextCorpus, ReadsStrfileEntriesWithoutColourCodes) {
    const std::string path = write_temp("wb_fortunes_test", "First one.\n%\n\x1b[1;33m\xe6\x9d\x8e\xe7\x99\xbd\x1b[m\nline two\n%\n%\nlast\n");
    const std::vector<std::string> entries = read_fortunes({path});
    ASSERT_EQ(entries.size(), 3u) << "an empty entry between two % lines is skipped";
    EXPECT_EQ(entries[0], "First one.");
    EXPECT_EQ(entries[1], "\xe6\x9d\x8e\xe7\x99\xbd\nline two");
    EXPECT_EQ(entries[2], "last");
    std::filesystem::remove(path);
}

TEST(TextCorpus, AMissingFileNamesItsPathAndThePackage) {
    try {
        read_fortunes({"/nonexistent/fortunes/tang300"});
        FAIL() << "no error";
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/fortunes/tang300"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("fortunes-zh"), std::string::npos) << e.what();
    }
}

TEST(TextCorpus, SplitsUtf8IntoCodePointsAndKeepsABadByteAlone) {
    const std::vector<std::string> chars = utf8_characters("a\xc3\xa9\xe6\x9c\x88\xf0\x9f\x99\x82\xff" "b\xe6\x9c");
    const std::vector<std::string> expected{"a", "\xc3\xa9", "\xe6\x9c\x88", "\xf0\x9f\x99\x82", "\xff", "b", "\xe6", "\x9c"};
    EXPECT_EQ(chars, expected);
}

TEST(TextCorpus, VocabularyOrdersByCountAndRoundTrips) {
    const std::vector<std::string> documents{"abca", "\xe6\x9c\x88" "a"};
    const CharVocabulary v = CharVocabulary::of(documents);
    ASSERT_EQ(v.size(), 5);  // end of document, a (3), then b, c, the moon character (1 each, by their bytes)
    EXPECT_EQ(v.symbols[1], "a");
    EXPECT_EQ(v.symbols[2], "b");
    EXPECT_EQ(v.symbols[4], "\xe6\x9c\x88");
    const std::vector<int> stream = v.encode(documents);
    EXPECT_EQ(stream, (std::vector<int>{1, 2, 3, 1, 0, 4, 1, 0}));
    EXPECT_EQ(v.decode(stream), "abca\n\n\xe6\x9c\x88" "a\n\n");
    EXPECT_THROW(v.encode({"z"}), std::out_of_range);
}

TEST(TextCorpus, TargetsAreTheInputsShiftedByOne) {
    std::vector<int> stream(50);
    for (int i = 0; i < 50; ++i) stream[static_cast<std::size_t>(i)] = i;
    Rng rng(3);
    const TokenBatch b = next_token_batch(stream, 64, 7, rng);
    bool reached_the_last_window = false;
    for (int n = 0; n < 64; ++n) {
        for (int t = 0; t < 7; ++t) {
            EXPECT_EQ(b.inputs(n, t), b.inputs(n, 0) + static_cast<float>(t));
            EXPECT_EQ(b.targets(n, t), b.inputs(n, t) + 1.0f);
        }
        EXPECT_LE(b.targets(n, 6), 49.0f);
        reached_the_last_window |= b.targets(n, 6) == 49.0f;
    }
    EXPECT_TRUE(reached_the_last_window) << "64 draws of 43 starts should reach the last one";
    EXPECT_THROW(next_token_batch(std::vector<int>(7), 1, 7, rng), ShapeError);
}

TEST(TextCorpus, ConsecutiveWindowsCoverTheStreamInOrder) {
    std::vector<int> stream(23);
    for (int i = 0; i < 23; ++i) stream[static_cast<std::size_t>(i)] = i;
    // T = 5: windows 0..5, 5..10, 10..15, 15..20 (20..25 would run past the end); batches of 3, then 1
    const std::vector<TokenBatch> all = consecutive_windows(stream, 3, 5, 100);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].inputs.shape(), (Shape{3, 5}));
    EXPECT_EQ(all[1].inputs.shape(), (Shape{1, 5}));
    EXPECT_EQ(all[0].inputs(1, 0), 5.0f);
    EXPECT_EQ(all[0].targets(1, 4), 10.0f);  // the next window's first input
    EXPECT_EQ(all[1].inputs(0, 0), 15.0f);
    EXPECT_EQ(all[1].targets(0, 4), 20.0f);
    const std::vector<TokenBatch> capped = consecutive_windows(stream, 3, 5, 2);
    ASSERT_EQ(capped.size(), 1u);
    EXPECT_EQ(capped[0].inputs.dim(0), 2);
    EXPECT_THROW(consecutive_windows(std::vector<int>(5), 1, 5, 10), ShapeError);
}

TEST(TextCorpus, HoldOutEveryNthDocument) {
    std::vector<std::string> documents;
    for (int i = 0; i < 7; ++i) documents.push_back("d" + std::to_string(i));
    const DocumentSplit split = hold_out_every(documents, 3);
    EXPECT_EQ(split.validation, (std::vector<std::string>{"d2", "d5"}));
    EXPECT_EQ(split.train, (std::vector<std::string>{"d0", "d1", "d3", "d4", "d6"}));
    EXPECT_EQ(hold_out_every(documents, 1).train.size(), 0u);
    EXPECT_THROW(hold_out_every(documents, 0), ShapeError);
}
