// The generated text tasks (framework/text_data): each pair, sentence and question says what its label says.
#include "framework/text_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

using namespace wb;

namespace {

// Zeller's congruence, independent of <chrono>: 0 = Saturday, 1 = Sunday, ..., 6 = Friday.
int zeller(int year, int month, int day) {
    if (month < 3) month += 12, year -= 1;
    const int k = year % 100, j = year / 100;
    return (day + 13 * (month + 1) / 5 + k + k / 4 + j / 4 + 5 * j) % 7;
}

}  // namespace

TEST(TextData, DatePairsSayTheSameDateInEveryFormat) {
    const char* months[] = {"January", "February", "March", "April", "May", "June", "July", "August", "September",
                            "October", "November", "December"};
    const char* weekdays[] = {"Saturday", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"};
    const std::vector<DatePair> pairs = make_date_pairs(3000, 7);
    std::set<int> formats;
    std::set<std::string> sources;
    const std::regex iso(R"((\d{4})-(\d{2})-(\d{2}))");
    for (const DatePair& p : pairs) {
        std::smatch m;
        ASSERT_TRUE(std::regex_match(p.target, m, iso)) << p.target;
        const int year = std::stoi(m[1]), month = std::stoi(m[2]), day = std::stoi(m[3]);
        ASSERT_TRUE(year >= 1950 && year <= 2049 && month >= 1 && month <= 12 && day >= 1 && day <= 31) << p.target;
        EXPECT_NE(p.source.find(m[1].str()), std::string::npos) << p.source << " lacks the year of " << p.target;
        const std::string name = months[month - 1], number = m[2].str();
        std::string upper_abbr = name.substr(0, 3);
        for (char& c : upper_abbr) c = static_cast<char>(std::toupper(c));
        const bool has_month = p.source.find(name.substr(0, 3)) != std::string::npos ||
                               p.source.find(upper_abbr) != std::string::npos ||
                               p.source.find(number) != std::string::npos;
        EXPECT_TRUE(has_month) << p.source << " lacks the month of " << p.target;
        if (p.format == 7 || p.format == 8)  // the formats that name the weekday
            EXPECT_EQ(p.source.find(std::string(weekdays[zeller(year, month, day)]).substr(0, 3)), 0u)
                << p.source << " names the wrong weekday for " << p.target;
        formats.insert(p.format);
        sources.insert(p.source);
    }
    EXPECT_EQ(formats.size(), static_cast<std::size_t>(kDateFormats)) << "every format is drawn";
    EXPECT_EQ(sources.size(), pairs.size()) << "no source twice";
}

TEST(TextData, DatePairsAreSeededAndTheTestSetExcludesTraining) {
    const std::vector<DatePair> train = make_date_pairs(2000, 1), again = make_date_pairs(2000, 1);
    const std::vector<DatePair> test = make_date_pairs(500, 2, train);
    for (std::size_t i = 0; i < train.size(); ++i) ASSERT_EQ(train[i].source, again[i].source);
    std::set<std::string> seen;
    for (const DatePair& p : train) seen.insert(p.source);
    for (const DatePair& p : test) EXPECT_EQ(seen.count(p.source), 0u) << p.source << " is in both sets";
    EXPECT_EQ(test.size(), 500u);
}

TEST(TextData, KeywordSentencesHoldExactlyOneDecisiveWord) {
    const std::vector<KeywordSentence> sentences = make_keyword_sentences(500, 10, 40, 3);
    std::map<std::string, int> class_of;  // every decisive word belongs to one class
    std::set<std::string> filler_words;
    for (const KeywordSentence& s : sentences) {
        ASSERT_GE(s.words.size(), 10u);
        ASSERT_LE(s.words.size(), 40u);
        ASSERT_TRUE(s.label >= 0 && s.label < kKeywordClasses);
        const std::string& word = s.words.at(static_cast<std::size_t>(s.position));
        const auto known = class_of.emplace(word, s.label);
        EXPECT_EQ(known.first->second, s.label) << word << " decides two classes";
        for (int t = 0; t < static_cast<int>(s.words.size()); ++t)
            if (t != s.position) filler_words.insert(s.words[t]);
    }
    for (const auto& [word, label] : class_of) EXPECT_EQ(filler_words.count(word), 0u) << word << " is also a filler";
    EXPECT_EQ(class_of.size(), 16u);
    EXPECT_THROW(make_keyword_sentences(1, 5, 4, 0), std::invalid_argument);
}

TEST(TextData, FactQuestionsPointAtTheOneFactAsked) {
    for (const FactQuestion& q : make_fact_questions(300, 6, 4)) {
        ASSERT_TRUE(q.answer_start >= 1 && q.answer_start <= q.answer_end && q.answer_end < static_cast<int>(q.passage.size()));
        ASSERT_LE(q.answer_end - q.answer_start, 1) << "answers are one or two words";
        EXPECT_EQ(q.passage[q.answer_end + 1], ".") << "the answer ends its fact";
        // the fact that holds the answer starts with the name the question asks about
        int fact_start = q.answer_start;
        while (fact_start > 0 && q.passage[fact_start - 1] != ".") --fact_start;
        EXPECT_NE(std::find(q.question.begin(), q.question.end(), q.passage[fact_start]), q.question.end())
            << "the question does not name " << q.passage[fact_start];
        // no other fact has the same name and the same words between the name and the answer
        const std::vector<std::string> relation(q.passage.begin() + fact_start, q.passage.begin() + q.answer_start);
        int same = 0;
        for (std::size_t t = 0; t + relation.size() <= q.passage.size(); ++t)
            if ((t == 0 || q.passage[t - 1] == ".") && std::equal(relation.begin(), relation.end(), q.passage.begin() + t))
                ++same;
        EXPECT_EQ(same, 1) << "the fact asked about appears " << same << " times";
    }
    EXPECT_THROW(make_fact_questions(1, 13, 0), std::invalid_argument);
}

TEST(TextData, VocabularyEncodesWithPaddingOnEitherSideAndDecodesBack) {
    const Vocabulary v({"a", "b", "c"});
    EXPECT_EQ(v.size(), 6);
    EXPECT_EQ(v.id("c"), 5);
    EXPECT_EQ(v.token(Vocabulary::kEnd), "</s>");
    const auto right = v.encode({{"a", "b"}, {"c"}}, /*append_end=*/true, /*left_pad=*/false);
    EXPECT_EQ(right.ids.shape(), (Shape{2, 3}));
    EXPECT_EQ(std::vector<float>(right.ids.data(), right.ids.data() + 6), (std::vector<float>{3, 4, 2, 5, 2, 0}));
    EXPECT_EQ(std::vector<float>(right.mask.data(), right.mask.data() + 6), (std::vector<float>{1, 1, 1, 1, 1, 0}));
    const auto left = v.encode({{"a", "b"}, {"c"}}, /*append_end=*/false, /*left_pad=*/true);
    EXPECT_EQ(std::vector<float>(left.ids.data(), left.ids.data() + 4), (std::vector<float>{3, 4, 0, 5}));
    EXPECT_EQ(std::vector<float>(left.mask.data(), left.mask.data() + 4), (std::vector<float>{1, 1, 0, 1}));
    EXPECT_EQ(v.decode(right.ids.data(), 3, "+"), "a+b");
    EXPECT_EQ(v.decode(left.ids.data() + 2, 2, ""), "c");
    try {
        v.id("zebra");
        ADD_FAILURE() << "an unknown token was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("zebra"), std::string::npos) << e.what();
    }
    EXPECT_THROW(Vocabulary({"a", "a"}), std::invalid_argument);
}
