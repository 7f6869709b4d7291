#include "framework/text_corpus.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "framework/errors.hpp"

namespace wb {
namespace {

/// s without ANSI escape sequences (ESC '[' parameters, ended by a letter).
std::string without_ansi(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
            i += 2;
            while (i < s.size() && !std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
            continue;
        }
        out += s[i];
    }
    return out;
}

const std::vector<std::string> kChineseFiles{"tang300", "song100"};
const std::vector<std::string> kFortunesZhFiles{"chinese", "song100", "tang300"};

}  // namespace

std::vector<std::string> read_fortunes(const std::vector<std::string>& paths) {
    std::vector<std::string> entries;
    for (const std::string& path : paths) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw IoError(path + ": cannot be read (the text corpora come from Debian: apt-get install fortunes fortunes-zh)");
        std::string line, entry;
        const auto finish = [&] {
            while (!entry.empty() && entry.back() == '\n') entry.pop_back();
            if (!entry.empty()) entries.push_back(without_ansi(entry));
            entry.clear();
        };
        while (std::getline(in, line)) {
            if (line == "%") {
                finish();
            } else {
                entry += line + "\n";
            }
        }
        finish();
    }
    return entries;
}

std::vector<std::string> english_fortune_files() {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    std::error_code error;
    for (const auto& item : fs::directory_iterator(kFortunesFolder, error)) {
        const std::string name = item.path().filename().string();
        if (!item.is_regular_file() || item.is_symlink() || name.find('.') != std::string::npos) continue;
        if (std::find(kFortunesZhFiles.begin(), kFortunesZhFiles.end(), name) != kFortunesZhFiles.end()) continue;
        files.push_back(item.path().string());
    }
    if (files.empty())
        throw IoError(std::string(kFortunesFolder) + ": no English fortunes here (apt-get install fortunes)");
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<std::string> chinese_poem_files() {
    std::vector<std::string> files;
    for (const std::string& name : kChineseFiles) {
        const std::string path = std::string(kFortunesFolder) + "/" + name;
        if (!std::filesystem::is_regular_file(path))
            throw IoError(path + ": missing (the Tang and Song poems come from apt-get install fortunes-zh)");
        files.push_back(path);
    }
    return files;
}

std::vector<std::string> utf8_characters(const std::string& s) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto lead = static_cast<unsigned char>(s[i]);
        // the sequence length from the lead byte; a byte that leads nothing valid is a character of its own
        std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
        if (i + length > s.size()) length = 1;
        for (std::size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) length = 1;
        out.push_back(s.substr(i, length));
        i += length;
    }
    return out;
}

DocumentSplit hold_out_every(const std::vector<std::string>& documents, int every) {
    if (every < 1) throw ShapeError("hold_out_every: every " + std::to_string(every) + " must be at least 1");
    DocumentSplit split;
    for (std::size_t i = 0; i < documents.size(); ++i)
        (i % static_cast<std::size_t>(every) == static_cast<std::size_t>(every) - 1 ? split.validation : split.train)
            .push_back(documents[i]);
    return split;
}

CharVocabulary CharVocabulary::of(const std::vector<std::string>& documents) {
    std::map<std::string, long> counts;
    for (const std::string& d : documents)
        for (const std::string& c : utf8_characters(d)) ++counts[c];
    std::vector<std::pair<std::string, long>> sorted(counts.begin(), counts.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    CharVocabulary v;
    v.symbols.push_back("\n\n");
    for (const auto& [symbol, count] : sorted) v.symbols.push_back(symbol);
    for (int id = 0; id < v.size(); ++id) v.ids[v.symbols[id]] = id;
    return v;
}

std::vector<int> CharVocabulary::encode(const std::vector<std::string>& documents) const {
    std::vector<int> stream;
    for (const std::string& d : documents) {
        for (const std::string& c : utf8_characters(d)) {
            const auto found = ids.find(c);
            if (found == ids.end() || found->second == 0) throw std::out_of_range("CharVocabulary::encode: '" + c + "' is not in the vocabulary");
            stream.push_back(found->second);
        }
        stream.push_back(0);
    }
    return stream;
}

std::string CharVocabulary::decode(const std::vector<int>& stream) const {
    std::string out;
    for (int id : stream) out += symbols.at(static_cast<std::size_t>(id));
    return out;
}

TokenBatch next_token_batch(const std::vector<int>& stream, int N, int T, Rng& rng) {
    if (N < 1 || T < 1 || stream.size() < static_cast<std::size_t>(T) + 1)
        throw ShapeError("next_token_batch: " + std::to_string(stream.size()) + " ids cannot give windows of T + 1 = " +
                         std::to_string(T + 1));
    TokenBatch b{Tensor({N, T}), Tensor({N, T})};
    const std::uint64_t starts = stream.size() - static_cast<std::size_t>(T);
    for (int n = 0; n < N; ++n) {
        const std::size_t start = rng.below(starts);
        for (int t = 0; t < T; ++t) {
            b.inputs(n, t) = static_cast<float>(stream[start + t]);
            b.targets(n, t) = static_cast<float>(stream[start + t + 1]);
        }
    }
    return b;
}

std::vector<TokenBatch> consecutive_windows(const std::vector<int>& stream, int N, int T, int max_windows) {
    if (N < 1 || T < 1 || stream.size() < static_cast<std::size_t>(T) + 1)
        throw ShapeError("consecutive_windows: " + std::to_string(stream.size()) + " ids cannot give one window of T + 1 = " +
                         std::to_string(T + 1));
    const int count = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(max_windows), (stream.size() - 1) / T));
    std::vector<TokenBatch> batches;
    for (int first = 0; first < count; first += N) {
        const int n = std::min(N, count - first);
        TokenBatch b{Tensor({n, T}), Tensor({n, T})};
        for (int i = 0; i < n; ++i)
            for (int t = 0; t < T; ++t) {
                const std::size_t at = static_cast<std::size_t>(first + i) * T + t;
                b.inputs(i, t) = static_cast<float>(stream[at]);
                b.targets(i, t) = static_cast<float>(stream[at + 1]);
            }
        batches.push_back(std::move(b));
    }
    return batches;
}

}  // namespace wb
