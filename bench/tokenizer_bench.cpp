// ./wb bench tokenizer, our side: the reference byte-level BPE (chapter 11) trained on the English corpus of
// ./wb run 11 (the fortunes' training documents, each followed by <|endoftext|>) and encoding it.
//   bench_tokenizer OUT_DIR VOCAB ROUNDS
// Writes OUT_DIR/tokenizer_corpus.bin (the text, for the Python reference to read the same bytes) and
// OUT_DIR/tokenizer_ours.json (the merges and the ids, to check that both sides agree); prints one JSON line with
// the median seconds of training and of encoding over ROUNDS rounds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chapters/11_lm_training/bpe.hpp"
#include "framework/text_corpus.hpp"

using namespace wb;

static double median(std::vector<double> xs) {
    std::sort(xs.begin(), xs.end());
    return xs[xs.size() / 2];
}

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: bench_tokenizer OUT_DIR VOCAB ROUNDS\n");
        return 2;
    }
    const std::string out_dir = argv[1];
    const int vocab = std::stoi(argv[2]), rounds = std::stoi(argv[3]);
    const std::string end_of_text = "<|endoftext|>";
    std::string text;  // run 11's training text
    for (const std::string& document : hold_out_every(read_fortunes(english_fortune_files()), 20).train)
        text += document + end_of_text;
    std::ofstream(out_dir + "/tokenizer_corpus.bin", std::ios::binary) << text;

    std::vector<double> train_seconds, encode_seconds;
    BpeTokenizer tokenizer;
    std::vector<int> ids;
    for (int r = 0; r < rounds; ++r) {
        auto started = std::chrono::steady_clock::now();
        tokenizer = train_bpe(text, vocab, {end_of_text});
        train_seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        started = std::chrono::steady_clock::now();
        ids = bpe_encode(tokenizer, text);
        encode_seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    nlohmann::json merges = nlohmann::json::array();
    for (const auto& [left, right] : tokenizer.merges) merges.push_back({left, right});
    std::ofstream(out_dir + "/tokenizer_ours.json") << nlohmann::json{{"merges", merges}, {"ids", ids}}.dump();
    std::printf("%s\n", nlohmann::json{{"train_s", median(train_seconds)}, {"encode_s", median(encode_seconds)},
                                       {"bytes", text.size()}, {"tokens", ids.size()}, {"merges", merges.size()}}
                            .dump()
                            .c_str());
    return 0;
}
