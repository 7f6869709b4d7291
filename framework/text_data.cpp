#include "framework/text_data.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "framework/random.hpp"

namespace wb {

Vocabulary::Vocabulary(const std::vector<std::string>& symbols) : tokens_{"<pad>", "<s>", "</s>"} {
    for (const std::string& s : symbols) tokens_.push_back(s);
    for (int i = 0; i < size(); ++i)
        if (!ids_.emplace(tokens_[i], i).second) throw std::invalid_argument("Vocabulary: \"" + tokens_[i] + "\" repeats");
}

int Vocabulary::id(const std::string& token) const {
    const auto found = ids_.find(token);
    if (found == ids_.end()) throw std::invalid_argument("Vocabulary: \"" + token + "\" is not in the vocabulary");
    return found->second;
}

const std::string& Vocabulary::token(int id) const { return tokens_.at(static_cast<std::size_t>(id)); }

Vocabulary::Encoded Vocabulary::encode(const std::vector<std::vector<std::string>>& sequences, bool append_end,
                                       bool left_pad) const {
    const int N = static_cast<int>(sequences.size());
    std::size_t longest = 0;
    for (const auto& s : sequences) longest = std::max(longest, s.size());
    const int T = static_cast<int>(longest) + (append_end ? 1 : 0);
    Encoded out{Tensor({N, T}, static_cast<float>(kPad)), Tensor({N, T})};
    for (int n = 0; n < N; ++n) {
        std::vector<int> row;
        for (const std::string& token : sequences[n]) row.push_back(id(token));
        if (append_end) row.push_back(kEnd);
        const int first = left_pad ? T - static_cast<int>(row.size()) : 0;
        for (std::size_t t = 0; t < row.size(); ++t) {
            out.ids(n, first + static_cast<int>(t)) = static_cast<float>(row[t]);
            out.mask(n, first + static_cast<int>(t)) = 1.0f;
        }
    }
    return out;
}

std::string Vocabulary::decode(const float* ids, int length, const std::string& separator) const {
    std::string out;
    bool first = true;
    for (int t = 0; t < length; ++t) {
        const int id = static_cast<int>(ids[t]);
        if (id == kEnd) break;
        if (id == kPad) continue;
        if (!first) out += separator;
        out += token(id), first = false;
    }
    return out;
}

std::vector<std::string> characters(const std::string& s) {
    std::vector<std::string> out;
    for (char c : s) out.emplace_back(1, c);
    return out;
}

std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    std::size_t begin = 0;
    while (begin <= s.size()) {
        const std::size_t end = std::min(s.find(' ', begin), s.size());
        if (end > begin) out.push_back(s.substr(begin, end - begin));
        begin = end + 1;
    }
    return out;
}

namespace {

const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};
const char* const kWeekdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

std::string two_digits(unsigned v) {
    char text[12];
    std::snprintf(text, sizeof text, "%02u", v);
    return text;
}

std::string ordinal(unsigned day) {
    const unsigned last = day % 10;
    const char* suffix = (day / 10 == 1 || last == 0 || last > 3) ? "th" : last == 1 ? "st" : last == 2 ? "nd" : "rd";
    return std::to_string(day) + suffix;
}

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// The date in format f (0 .. kDateFormats - 1).
std::string write_date(int year, unsigned month, unsigned day, unsigned weekday, int f) {
    const std::string y = std::to_string(year), d = std::to_string(day), dd = two_digits(day), mm = two_digits(month);
    const std::string name = kMonths[month - 1], abbr = name.substr(0, 3);
    switch (f) {
        case 0: return d + " " + abbr + " " + y;                                // 5 Nov 2026
        case 1: return d + " " + name + " " + y;                                // 5 November 2026
        case 2: return name + " " + d + ", " + y;                               // November 5, 2026
        case 3: return abbr + " " + d + ", " + y;                               // Nov 5, 2026
        case 4: return y + "/" + mm + "/" + dd;                                 // 2026/11/05
        case 5: return dd + "/" + mm + "/" + y;                                 // 05/11/2026
        case 6: return dd + "." + mm + "." + y;                                 // 05.11.2026
        case 7: return std::string(kWeekdays[weekday]) + ", " + name + " " + d + ", " + y;  // Thursday, November 5, 2026
        case 8: return std::string(kWeekdays[weekday]).substr(0, 3) + ", " + d + " " + abbr + " " + y;  // Thu, 5 Nov 2026
        case 9: return dd + "-" + abbr + "-" + y;                               // 05-Nov-2026
        case 10: return "the " + ordinal(day) + " of " + name + " " + y;        // the 5th of November 2026
        case 11: return upper(abbr) + " " + d + " " + y;                        // NOV 5 2026
        case 12: return y + "." + mm + "." + dd;                                // 2026.11.05
        default: return mm + "-" + dd + "-" + y;                                // 11-05-2026 (US order, dashes)
    }
}

}  // namespace

std::vector<DatePair> make_date_pairs(int count, std::uint64_t seed, const std::vector<DatePair>& exclude) {
    using namespace std::chrono;
    const sys_days first = year{1950} / January / 1, last = year{2049} / December / 31;
    const auto span = static_cast<std::uint64_t>((last - first).count() + 1);
    std::set<std::string> seen;
    for (const DatePair& p : exclude) seen.insert(p.source);
    Rng rng(seed);
    std::vector<DatePair> pairs;
    while (static_cast<int>(pairs.size()) < count) {
        const sys_days day = first + days{static_cast<int>(rng.below(span))};
        const year_month_day ymd{day};
        const int format = static_cast<int>(rng.below(kDateFormats));
        const int y = static_cast<int>(ymd.year());
        const unsigned m = static_cast<unsigned>(ymd.month()), d = static_cast<unsigned>(ymd.day());
        DatePair p{write_date(y, m, d, weekday{day}.c_encoding(), format),
                   std::to_string(y) + "-" + two_digits(m) + "-" + two_digits(d), format};
        if (seen.insert(p.source).second) pairs.push_back(std::move(p));
    }
    return pairs;
}

std::vector<KeywordSentence> make_keyword_sentences(int count, int min_length, int max_length, std::uint64_t seed) {
    if (min_length < 1 || max_length < min_length)
        throw std::invalid_argument("make_keyword_sentences: lengths " + std::to_string(min_length) + " .. " +
                                    std::to_string(max_length) + " are not a range of positive lengths");
    static const std::vector<std::vector<std::string>> decisive{
        {"football", "tennis", "hockey", "rugby"},  // sport
        {"pasta", "curry", "salad", "noodles"},     // food
        {"guitar", "violin", "piano", "drums"},     // music
        {"storm", "rain", "snow", "fog"}};          // weather
    static const std::vector<std::string> fillers{
        "the",   "a",     "we",    "they",  "said",  "that",  "it",    "was",   "on",     "in",     "after", "before",
        "long",  "day",   "with",  "some",  "friends", "and", "then",  "went",  "home",   "again",  "very",  "much",
        "about", "next",  "week",  "there", "were",  "many",  "people", "from", "town",   "who",    "talked", "all",
        "night", "but",   "nobody", "knew", "why",   "old",   "new",   "little", "big",   "quite",  "often", "saw",
        "this",  "one",   "morning", "while", "others", "left", "early", "late", "come",  "back",   "soon",  "here"};
    Rng rng(seed);
    std::vector<KeywordSentence> out;
    for (int i = 0; i < count; ++i) {
        KeywordSentence s;
        const int length = min_length + static_cast<int>(rng.below(static_cast<std::uint64_t>(max_length - min_length + 1)));
        for (int t = 0; t < length; ++t) s.words.push_back(fillers[rng.below(fillers.size())]);
        s.label = static_cast<int>(rng.below(kKeywordClasses));
        s.position = static_cast<int>(rng.below(static_cast<std::uint64_t>(length)));
        s.words[s.position] = decisive[s.label][rng.below(decisive[s.label].size())];
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<FactQuestion> make_fact_questions(int count, int facts, std::uint64_t seed) {
    struct Relation {
        std::string before;       // the fact's words before the answer, after the name
        std::string question;     // the question, {} where the name goes
        std::vector<std::string> answers;
    };
    static const std::vector<Relation> relations{
        {"lives in", "where does {} live ?", {"oslo", "paris", "rome", "lima", "cairo", "new york", "hong kong", "tokyo", "quito"}},
        {"keeps a", "what pet does {} keep ?", {"cat", "dog", "parrot", "hamster", "goldfish", "guinea pig", "rabbit", "turtle"}},
        {"works as a", "what is the job of {} ?", {"baker", "pilot", "nurse", "teacher", "bus driver", "web designer", "farmer"}},
        {"likes the color", "which color does {} like ?", {"red", "blue", "green", "dark blue", "yellow", "purple", "light green"}}};
    static const std::vector<std::string> people{"anna", "ben", "carl", "dina", "eva", "finn", "gus", "hana", "ivan", "jon",
                                                 "kai", "lena", "mia", "nils", "omar", "pia", "rosa", "sam", "tom", "uma"};
    if (facts < 2 || facts > 12)  // three people, four relations: twelve distinct facts at most
        throw std::invalid_argument("make_fact_questions: facts " + std::to_string(facts) + " is outside [2, 12]");
    Rng rng(seed);
    std::vector<FactQuestion> out;
    for (int i = 0; i < count; ++i) {
        // distinct (person, relation) pairs among three people, so a question needs both to find its fact
        std::set<std::pair<int, int>> chosen;
        std::vector<int> cast;
        while (static_cast<int>(cast.size()) < 3) {
            const int p = static_cast<int>(rng.below(people.size()));
            if (std::find(cast.begin(), cast.end(), p) == cast.end()) cast.push_back(p);
        }
        FactQuestion q;
        const int asked = static_cast<int>(rng.below(static_cast<std::uint64_t>(facts)));
        for (int f = 0; f < facts; ++f) {
            int person, relation;
            do {
                person = cast[rng.below(cast.size())], relation = static_cast<int>(rng.below(relations.size()));
            } while (!chosen.insert({person, relation}).second);
            const Relation& r = relations[relation];
            const std::vector<std::string> answer = words(r.answers[rng.below(r.answers.size())]);
            q.passage.push_back(people[person]);
            for (const std::string& w : words(r.before)) q.passage.push_back(w);
            if (f == asked) {
                q.answer_start = static_cast<int>(q.passage.size());
                q.answer_end = q.answer_start + static_cast<int>(answer.size()) - 1;
                std::string text = r.question;
                text.replace(text.find("{}"), 2, people[person]);
                q.question = words(text);
            }
            for (const std::string& w : answer) q.passage.push_back(w);
            q.passage.push_back(".");
        }
        out.push_back(std::move(q));
    }
    return out;
}

}  // namespace wb
