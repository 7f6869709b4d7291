// ./wb run 02 [--solutions] [--epochs N] [--smoke]
//
// Trains the chapter's models on your kernels, on tasks generated from a seed (framework/text_data):
//
// 1. Date-format translation: "25 Nov 2026", "Wednesday, November 25, 2026", "2026/11/25", ... to
//    "2026-11-25". Encoder: your embedding (exercise 1) and chapter 03's LSTM over the characters.
//    Decoder: your decoder step (exercise 3) with your additive attention (exercise 2), teacher forcing
//    in training, your greedy_decode at test time, scored by your exact_match and token_accuracy
//    (exercise 6). Beside it the same model without attention: its decoder's "context" is the encoder's
//    final state at every step (attention over one position), so both have the same parameters.
//    Exact match is reported by source length and by format.
// 2. Sentence classification: a sentence of 20-80 filler words with one word, anywhere, that decides
//    its class. The LSTM's states pooled by your attention pooling (exercise 4), or by a plain mean.
// 3. Question answering: a passage of six facts about three people ("anna lives in new york . ben keeps a
//    cat . ..."), a question ("where does anna live ?"); passage and question through the same encoder,
//    your span attention (exercise 5) for start and end logits, your best_span for the answer.
//
// Writes build/out/02/: metrics.json, date_attention.png (where each output character looked),
// pooling_weights.png (which words the classifier weighed), weights.wbt (the date model with attention).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "chapters/02_attention_nlp/decoder.hpp"
#include "chapters/02_attention_nlp/embedding.hpp"
#include "chapters/02_attention_nlp/metrics.hpp"
#include "chapters/02_attention_nlp/pooling.hpp"
#include "chapters/02_attention_nlp/qa.hpp"
#include "chapters/03_lstm/clip.hpp"
#include "chapters/03_lstm/lstm_sequence.hpp"
#include "framework/heap.hpp"
#include "framework/linalg.hpp"
#include "framework/losses.hpp"
#include "framework/metrics.hpp"
#include "framework/optim.hpp"
#include "framework/png.hpp"
#include "framework/progress.hpp"
#include "framework/random.hpp"
#include "framework/serialize.hpp"
#include "framework/text_data.hpp"
#include "programs/02_attention_nlp/options.hpp"
#include "programs/cli.hpp"

using namespace wb;

namespace {

using run02::Options;

constexpr int kBatch = 64;
constexpr float kClip = 5.0f;  // global gradient norm (your chapter 03 clip_grad_norm)

// PyTorch's nn.Linear / nn.LSTM initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
Tensor init(const Shape& shape, int fan_in, Rng& rng) { return torch_default_uniform(shape, fan_in, rng); }

// sum += x, elementwise (a zero tensor of x's shape if sum is still empty).
void add_into(Tensor& sum, const Tensor& x) {
    if (sum.shape() != x.shape()) sum = Tensor(x.shape());
    for (std::size_t i = 0; i < x.size(); ++i) sum[i] += x[i];
}

// Words joined by spaces.
std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

// Column i of (N, L) ids, as (N, 1); column i of a target as (N) labels.
Tensor column(const Tensor& ids, int i) {
    Tensor out({ids.dim(0), 1});
    for (int n = 0; n < ids.dim(0); ++n) out(n, 0) = ids(n, i);
    return out;
}

// Adam (3e-3) on the training rows, shuffled every epoch (shuffle_seed) and cut into batches of kBatch, the
// global gradient norm clipped to kClip before each step. step(rows) runs forward and backward on those rows
// and returns the loss; after each epoch, evaluate() tests the model, prints its line and returns what to
// record beside the epoch, the mean training loss and the seconds.
nlohmann::json train_epochs(const std::vector<Param>& params, int training_rows, int epochs, const std::string& name,
                            std::uint64_t shuffle_seed, const std::function<double(const std::vector<int>&)>& step,
                            const std::function<nlohmann::json()>& evaluate) {
    Adam adam(3e-3f);
    Rng shuffle_rng(shuffle_seed);
    const int steps = training_rows / kBatch;
    std::vector<int> order(static_cast<std::size_t>(training_rows));
    std::iota(order.begin(), order.end(), 0);
    nlohmann::json records = nlohmann::json::array();
    for (int epoch = 1; epoch <= epochs; ++epoch) {
        std::shuffle(order.begin(), order.end(), shuffle_rng.engine());
        ProgressBar bar(name + " epoch " + std::to_string(epoch) + "/" + std::to_string(epochs), steps);
        double loss = 0;
        for (int s = 0; s < steps; ++s) {
            loss += step(std::vector<int>(order.begin() + s * kBatch, order.begin() + (s + 1) * kBatch));
            clip_grad_norm(params, kClip);
            adam.step(params);
            if ((s + 1) % 10 == 0 || s + 1 == steps) {
                char shown[48];
                std::snprintf(shown, sizeof shown, "loss %.4f", loss / (s + 1));
                bar.update(s + 1, shown);
            }
        }
        bar.finish();
        nlohmann::json record = evaluate();
        std::fflush(stdout);
        record.update({{"epoch", epoch}, {"train_loss", loss / steps}, {"seconds", bar.elapsed_seconds()}});
        records.push_back(record);
    }
    return records;
}

// ---------------------------------------------------------------------------------------------------
// The encoder: your embedding, then chapter 03's LSTM over the sequence from zero states.
struct Encoder {
    Tensor embedding, d_embedding;  // (V, E)
    LstmWeights lstm;
    LstmWeightGrads d_lstm;
    Tensor ids;                     // the last forward's input (N, T)
    LstmSequenceCache cache;

    Encoder(int vocab, int embed, int hidden, Rng& rng)
        : embedding(Tensor::randn({vocab, embed}, rng)),
          lstm{init({4 * hidden, embed}, hidden, rng), init({4 * hidden, hidden}, hidden, rng),
               init({4 * hidden}, hidden, rng), init({4 * hidden}, hidden, rng)} {
        for (int e = 0; e < embed; ++e) embedding(Vocabulary::kPad, e) = 0.0f;  // as nn.Embedding(padding_idx=0)
    }

    LstmSequenceResult forward(const Tensor& batch_ids) {
        ids = batch_ids;
        const Tensor zeros({ids.dim(0), lstm.w_hh.dim(1)});
        LstmSequenceResult r = lstm_forward(embedding_forward(embedding, ids), zeros, zeros, lstm);
        cache = r.cache;
        return r;
    }

    // d_out (N, T, H) into every state, d_h_n and d_c_n into the last ones.
    void backward(const Tensor& d_out, const Tensor& d_h_n, const Tensor& d_c_n) {
        LstmSequenceGrads g = lstm_backward(d_out, d_h_n, d_c_n, cache, lstm);
        d_lstm = std::move(g.dw);
        d_embedding = embedding_backward(g.dx, ids, embedding.dim(0), Vocabulary::kPad);
    }

    void add_params(std::vector<Param>& params) {
        params.push_back({"encoder.embedding", &embedding, &d_embedding});
        params.push_back({"encoder.lstm.weight_ih", &lstm.w_ih, &d_lstm.dw_ih});
        params.push_back({"encoder.lstm.weight_hh", &lstm.w_hh, &d_lstm.dw_hh});
        params.push_back({"encoder.lstm.bias_ih", &lstm.b_ih, &d_lstm.db_ih});
        params.push_back({"encoder.lstm.bias_hh", &lstm.b_hh, &d_lstm.db_hh});
    }
};

// ---------------------------------------------------------------------------------------------------
// 1. Dates: encoder, attention decoder (exercise 3), teacher forcing, greedy decoding.

struct DateData {
    Vocabulary source_vocab, target_vocab;
    Tensor train_source, train_mask, train_target;  // (N, T) left-padded, (N, T), (N, 11): 10 characters + end
    Tensor test_source, test_mask, test_target;
    std::vector<DatePair> test_pairs;
};

std::vector<std::string> source_characters(const std::vector<DatePair>& pairs) {
    std::vector<std::string> seen;
    for (const DatePair& p : pairs)
        for (const std::string& c : characters(p.source))
            if (std::find(seen.begin(), seen.end(), c) == seen.end()) seen.push_back(c);
    std::sort(seen.begin(), seen.end());
    return seen;
}

DateData make_date_data(int train_n, int test_n) {
    const std::vector<DatePair> train = make_date_pairs(train_n, 2026);
    std::vector<DatePair> test = make_date_pairs(test_n, 1126, train);
    std::vector<DatePair> all = train;
    all.insert(all.end(), test.begin(), test.end());
    DateData d{Vocabulary(source_characters(all)), Vocabulary(characters("0123456789-")), {}, {}, {}, {}, {}, {}, test};
    // Train and test padded to one length, so that a source of a given length meets the same number of
    // pads in both (the encoder runs over them from a zero state; the mask hides them from the attention).
    std::vector<std::vector<std::string>> sources, targets;
    for (const DatePair& p : all) sources.push_back(characters(p.source)), targets.push_back(characters(p.target));
    const Vocabulary::Encoded s = d.source_vocab.encode(sources, false, /*left_pad=*/true);  // the last state is real
    const Tensor target = d.target_vocab.encode(targets, /*append_end=*/true, false).ids;
    const int train_rows = static_cast<int>(train.size()), rows = static_cast<int>(all.size());
    d.train_source = slice_rows(s.ids, 0, train_rows), d.test_source = slice_rows(s.ids, train_rows, rows);
    d.train_mask = slice_rows(s.mask, 0, train_rows), d.test_mask = slice_rows(s.mask, train_rows, rows);
    d.train_target = slice_rows(target, 0, train_rows), d.test_target = slice_rows(target, train_rows, rows);
    return d;
}

struct DecoderGrads {  // the sums over a sequence's steps of each DecoderStepGrads parameter gradient
    Tensor embedding, w_q, w_k, b, v, w_ih, w_hh, b_ih, b_hh, w_out, b_out;
};

struct DateModel {
    bool attention;  // false: the decoder attends over the encoder's final state alone
    Encoder encoder;
    DecoderWeights decoder;
    DecoderGrads d;

    DateModel(bool with_attention, int source_vocab, int target_vocab, Rng& rng, int embed = 16, int hidden = 64,
              int attention_size = 32)
        : attention(with_attention), encoder(source_vocab, embed, hidden, rng) {
        const int H = hidden, S = hidden;
        decoder.embedding = Tensor::randn({target_vocab, embed}, rng);
        decoder.attention = {init({attention_size, S}, S, rng), init({attention_size, H}, H, rng),
                             init({attention_size}, H, rng), init({attention_size}, attention_size, rng)};
        decoder.lstm = {init({4 * S, embed + H}, S, rng), init({4 * S, S}, S, rng), init({4 * S}, S, rng),
                        init({4 * S}, S, rng)};
        decoder.w_out = init({target_vocab, S + H}, S + H, rng);
        decoder.b_out = init({target_vocab}, S + H, rng);
    }

    std::vector<Param> params() {
        std::vector<Param> p;
        encoder.add_params(p);
        DecoderWeights& w = decoder;
        p.insert(p.end(), {{"decoder.embedding", &w.embedding, &d.embedding},
                           {"decoder.attention.w_q", &w.attention.w_q, &d.w_q},
                           {"decoder.attention.w_k", &w.attention.w_k, &d.w_k},
                           {"decoder.attention.b", &w.attention.b, &d.b},
                           {"decoder.attention.v", &w.attention.v, &d.v},
                           {"decoder.lstm.weight_ih", &w.lstm.w_ih, &d.w_ih},
                           {"decoder.lstm.weight_hh", &w.lstm.w_hh, &d.w_hh},
                           {"decoder.lstm.bias_ih", &w.lstm.b_ih, &d.b_ih},
                           {"decoder.lstm.bias_hh", &w.lstm.b_hh, &d.b_hh},
                           {"decoder.out.weight", &w.w_out, &d.w_out},
                           {"decoder.out.bias", &w.b_out, &d.b_out}});
        return p;
    }

    // What the decoder attends over: every encoder state, or (without attention) the final state alone,
    // as one position with weight 1, so that the "context" is the final state at every step.
    void memory(const LstmSequenceResult& encoded, const Tensor& mask, Tensor& states, Tensor& states_mask) const {
        if (attention) {
            states = encoded.out, states_mask = mask;
        } else {
            states = encoded.h_n.reshaped({encoded.h_n.dim(0), 1, encoded.h_n.dim(1)});
            states_mask = Tensor({encoded.h_n.dim(0), 1}, 1.0f);
        }
    }

    // One teacher-forced pass over a batch: the loss (mean cross-entropy per output token) and every
    // parameter gradient.
    double train_step(const Tensor& source, const Tensor& mask, const Tensor& target) {
        const int N = source.dim(0), L = target.dim(1);
        const LstmSequenceResult encoded = encoder.forward(source);
        Tensor states, states_mask;
        memory(encoded, mask, states, states_mask);

        // forward: step i reads the target's previous token (the start token first) and predicts target[:, i]
        std::vector<DecoderStepResult> steps;
        std::vector<Tensor> d_logits;
        Tensor input({N, 1}, static_cast<float>(Vocabulary::kStart)), h = encoded.h_n, c = encoded.c_n;
        double loss = 0;
        for (int i = 0; i < L; ++i) {
            steps.push_back(decoder_step_forward(input, h, c, states, states_mask, decoder));
            LossResult l = softmax_cross_entropy_loss(steps.back().logits, column(target, i).reshaped({N}));
            for (std::size_t k = 0; k < l.grad.size(); ++k) l.grad[k] /= static_cast<float>(L);  // mean over tokens
            loss += l.loss / L, d_logits.push_back(std::move(l.grad));
            h = steps.back().h, c = steps.back().c, input = column(target, i);
        }
        // backward through the steps, then the encoder
        d = DecoderGrads{};
        Tensor d_h(h.shape()), d_c(c.shape()), d_states(states.shape());
        for (int i = L - 1; i >= 0; --i) {
            const DecoderStepGrads g = decoder_step_backward(d_logits[i], d_h, d_c, states, states_mask, steps[i].cache, decoder);
            d_h = g.d_h_prev, d_c = g.d_c_prev;
            add_into(d_states, g.d_encoder_states);
            add_into(d.embedding, g.d_embedding), add_into(d.w_q, g.attention.d_w_q), add_into(d.w_k, g.attention.d_w_k);
            add_into(d.b, g.attention.d_b), add_into(d.v, g.attention.d_v), add_into(d.w_ih, g.lstm.dw_ih);
            add_into(d.w_hh, g.lstm.dw_hh), add_into(d.b_ih, g.lstm.db_ih), add_into(d.b_hh, g.lstm.db_hh);
            add_into(d.w_out, g.d_w_out), add_into(d.b_out, g.d_b_out);
        }
        if (attention) {
            encoder.backward(d_states, d_h, d_c);
        } else {  // the final state was also the one "attended" position
            Tensor d_h_n = d_h;
            add_into(d_h_n, d_states.reshaped(d_h.shape()));
            encoder.backward(Tensor(encoded.out.shape()), d_h_n, d_c);
        }
        return loss;
    }

    GreedyDecodeResult translate(const Tensor& source, const Tensor& mask, int length) {
        const LstmSequenceResult encoded = encoder.forward(source);
        Tensor states, states_mask;
        memory(encoded, mask, states, states_mask);
        return greedy_decode(states, states_mask, encoded.h_n, encoded.c_n, decoder, Vocabulary::kStart,
                             Vocabulary::kEnd, length);
    }
};

// Greedy translations of every test source, in batches: tokens (N, L) and attention weights (N, L, T).
GreedyDecodeResult translate_all(DateModel& model, const Tensor& source, const Tensor& mask, int length) {
    const int N = source.dim(0), T = source.dim(1);
    GreedyDecodeResult all{Tensor({N, length}), Tensor({N, length, T})};
    for (int begin = 0; begin < N; begin += 256) {
        const int end = std::min(N, begin + 256);
        const GreedyDecodeResult r = model.translate(slice_rows(source, begin, end), slice_rows(mask, begin, end), length);
        std::copy_n(r.tokens.data(), r.tokens.size(), &all.tokens(begin, 0));
        std::copy_n(r.weights.data(), r.weights.size(), &all.weights(begin, 0, 0));
    }
    return all;
}

// Trains one date model; returns its per-epoch record and the final test evaluation.
nlohmann::json train_date_model(DateModel& model, const DateData& data, int epochs, const std::string& name,
                                GreedyDecodeResult& final_translations) {
    const int L = data.train_target.dim(1);
    return train_epochs(
        model.params(), data.train_source.dim(0), epochs, name, 5,
        [&](const std::vector<int>& rows) {
            return model.train_step(take_rows(data.train_source, rows), take_rows(data.train_mask, rows),
                                    take_rows(data.train_target, rows));
        },
        [&] {
            final_translations = translate_all(model, data.test_source, data.test_mask, L);
            const double em = exact_match(final_translations.tokens, data.test_target, Vocabulary::kEnd);
            const double tokens = token_accuracy(final_translations.tokens, data.test_target, Vocabulary::kEnd);
            std::printf("  test exact match %.4f, token accuracy %.4f\n", em, tokens);
            return nlohmann::json{{"test_exact_match", em}, {"test_token_accuracy", tokens}};
        });
}

// Exact match of the test pairs grouped by a key (source length bucket, or format).
nlohmann::json exact_match_by(const DateData& data, const GreedyDecodeResult& r, const std::function<std::string(const DatePair&)>& key) {
    std::map<std::string, std::pair<int, int>> groups;  // key -> (right, total)
    for (int n = 0; n < static_cast<int>(data.test_pairs.size()); ++n) {
        const bool right = exact_match(slice_rows(r.tokens, n, n + 1), slice_rows(data.test_target, n, n + 1),
                                       Vocabulary::kEnd) == 1.0;
        auto& g = groups[key(data.test_pairs[n])];
        g.first += right, g.second += 1;
    }
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, g] : groups) out[k] = {{"exact_match", static_cast<double>(g.first) / g.second}, {"pairs", g.second}};
    for (const DatePair& p : data.test_pairs)  // one source of each group, to show what the group holds
        if (!out[key(p)].contains("example")) out[key(p)]["example"] = p.source;
    return out;
}

std::string length_bucket(const DatePair& p) {
    const int n = static_cast<int>(p.source.size());
    const int low = n / 5 * 5;
    char text[16];
    std::snprintf(text, sizeof text, "%02d-%02d", low, low + 4);
    return text;
}

// Where each output character of a few test translations looked in the source.
void write_date_heatmaps(const std::string& path, const DateData& data, const GreedyDecodeResult& r) {
    std::vector<Image> panels;
    std::vector<int> shown;
    for (int format : {7, 0, 4, 10}) {  // a long one with the weekday, "5 Nov 2026", year first, "the 5th of ..."
        for (int n = 0; n < static_cast<int>(data.test_pairs.size()); ++n)
            if (data.test_pairs[n].format == format) {
                shown.push_back(n);
                break;
            }
    }
    const int L = r.tokens.dim(1), T = r.weights.dim(2);
    for (int n : shown) {
        const std::string source = data.test_pairs[n].source;
        const int first = T - static_cast<int>(source.size());  // left padding
        int length = 0;  // output characters up to the end token
        while (length < L && static_cast<int>(r.tokens(n, length)) != Vocabulary::kEnd) ++length;
        length = std::max(1, length);
        Tensor m({length, static_cast<int>(source.size())});
        HeatmapLabels labels;
        for (int i = 0; i < length; ++i) {
            labels.rows.push_back(data.target_vocab.token(static_cast<int>(r.tokens(n, i))));
            for (int t = 0; t < static_cast<int>(source.size()); ++t) m(i, t) = r.weights(n, i, first + t);
        }
        for (char ch : source) labels.cols.push_back(ch == ' ' ? "_" : std::string(1, ch));
        labels.title = "\"" + source + "\" -> " + data.target_vocab.decode(&r.tokens(n, 0), L, "");
        panels.push_back(labelled_heatmap(m, labels, 18, 0.0f, 1.0f));
    }
    int width = 0, height = 0;
    for (const Image& p : panels) width = std::max(width, p.width), height += p.height + 10;
    Image page = blank_image(height, width, Rgb{255, 255, 255});
    int y = 0;
    for (const Image& p : panels) paste(page, p, 0, y), y += p.height + 10;
    write_png(path, page);
}

// ---------------------------------------------------------------------------------------------------
// 2. Sentences: the LSTM's states pooled by attention (exercise 4) or by a mean, then a linear classifier.

struct SentenceData {
    Vocabulary vocab;
    Tensor train_ids, train_mask, train_labels, test_ids, test_mask, test_labels;
    std::vector<KeywordSentence> test;
};

SentenceData make_sentence_data(int train_n, int test_n, int min_length, int max_length) {
    const std::vector<KeywordSentence> train = make_keyword_sentences(train_n, min_length, max_length, 31);
    const std::vector<KeywordSentence> test = make_keyword_sentences(test_n, min_length, max_length, 32);
    std::vector<std::string> words_seen;
    for (const auto* set : {&train, &test})
        for (const KeywordSentence& s : *set)
            for (const std::string& w : s.words)
                if (std::find(words_seen.begin(), words_seen.end(), w) == words_seen.end()) words_seen.push_back(w);
    std::sort(words_seen.begin(), words_seen.end());
    SentenceData d{Vocabulary(words_seen), {}, {}, {}, {}, {}, {}, test};
    auto encode = [&](const std::vector<KeywordSentence>& set, Tensor& ids, Tensor& mask, Tensor& labels) {
        std::vector<std::vector<std::string>> sequences;
        labels = Tensor({static_cast<int>(set.size())});
        for (std::size_t i = 0; i < set.size(); ++i) sequences.push_back(set[i].words), labels[i] = static_cast<float>(set[i].label);
        Vocabulary::Encoded e = d.vocab.encode(sequences, false, /*left_pad=*/false);
        ids = std::move(e.ids), mask = std::move(e.mask);
    };
    encode(train, d.train_ids, d.train_mask, d.train_labels);
    encode(test, d.test_ids, d.test_mask, d.test_labels);
    return d;
}

struct SentenceModel {
    bool attention;  // false: the mean of the real positions' states
    Encoder encoder;
    AttentionPoolingWeights head;
    AttentionPoolingWeights d_head;
    Tensor pool_weights;  // (N, T) of the last forward

    SentenceModel(bool with_attention, int vocab, Rng& rng, int embed = 16, int hidden = 32, int attention_size = 16)
        : attention(with_attention), encoder(vocab, embed, hidden, rng) {
        head = {init({attention_size, hidden}, hidden, rng), init({attention_size}, hidden, rng),
                init({attention_size}, attention_size, rng), init({kKeywordClasses, hidden}, hidden, rng),
                init({kKeywordClasses}, hidden, rng)};
    }

    std::vector<Param> params() {
        std::vector<Param> p;
        encoder.add_params(p);
        p.insert(p.end(), {{"head.w", &head.w, &d_head.w}, {"head.b", &head.b, &d_head.b}, {"head.u", &head.u, &d_head.u},
                           {"head.out.weight", &head.w_out, &d_head.w_out}, {"head.out.bias", &head.b_out, &d_head.b_out}});
        return p;
    }

    // z = mean of the states over the mask; logits = W_out z + b_out.
    static Tensor mean_pool(const Tensor& states, const Tensor& mask) {
        const int N = states.dim(0), T = states.dim(1), H = states.dim(2);
        Tensor z({N, H});
        for (int n = 0; n < N; ++n) {
            float count = 0;
            for (int t = 0; t < T; ++t) count += mask(n, t);
            for (int t = 0; t < T; ++t)
                for (int j = 0; j < H; ++j) z(n, j) += mask(n, t) * states(n, t, j) / count;
        }
        return z;
    }

    Tensor forward(const Tensor& ids, const Tensor& mask) {
        const Tensor states = encoder.forward(ids).out;
        if (attention) {
            AttentionPoolingResult r = attention_pooling_forward(states, mask, head);
            pool_weights = std::move(r.weights);
            return std::move(r.logits);
        }
        const Tensor z = mean_pool(states, mask);
        const int N = z.dim(0), H = z.dim(1);
        Tensor logits({N, kKeywordClasses});
        for (int n = 0; n < N; ++n)
            for (int k = 0; k < kKeywordClasses; ++k) logits(n, k) = head.b_out(k);
        gemm(false, true, N, kKeywordClasses, H, 1.0f, z.data(), head.w_out.data(), 1.0f, logits.data());
        return logits;
    }

    void backward(const Tensor& d_logits, const Tensor& mask) {
        const Tensor& states = encoder.cache.hidden;
        const int N = states.dim(0), T = states.dim(1), H = states.dim(2);
        Tensor d_states;
        if (attention) {
            AttentionPoolingGrads g = attention_pooling_backward(d_logits, states, mask, head);
            d_head = {g.d_w, g.d_b, g.d_u, g.d_w_out, g.d_b_out};
            d_states = std::move(g.d_states);
        } else {
            // logits = z W_out^T + b_out with z the masked mean: dz = d_logits W_out, each real state gets dz / count
            const Tensor z = mean_pool(states, mask);
            Tensor dz({N, H});
            d_head = {Tensor(head.w.shape()), Tensor(head.b.shape()), Tensor(head.u.shape()), Tensor({kKeywordClasses, H}),
                      Tensor({kKeywordClasses})};
            gemm(false, false, N, H, kKeywordClasses, 1.0f, d_logits.data(), head.w_out.data(), 0.0f, dz.data());
            gemm(true, false, kKeywordClasses, H, N, 1.0f, d_logits.data(), z.data(), 0.0f, d_head.w_out.data());
            for (int n = 0; n < N; ++n)
                for (int k = 0; k < kKeywordClasses; ++k) d_head.b_out(k) += d_logits(n, k);
            d_states = Tensor({N, T, H});
            for (int n = 0; n < N; ++n) {
                float count = 0;
                for (int t = 0; t < T; ++t) count += mask(n, t);
                for (int t = 0; t < T; ++t)
                    for (int j = 0; j < H; ++j) d_states(n, t, j) = mask(n, t) * dz(n, j) / count;
            }
        }
        const Tensor zeros({N, H});
        encoder.backward(d_states, zeros, zeros);
    }
};

nlohmann::json train_sentence_model(SentenceModel& model, const SentenceData& data, int epochs, const std::string& name) {
    return train_epochs(
        model.params(), data.train_ids.dim(0), epochs, name, 6,
        [&](const std::vector<int>& rows) {
            const Tensor mask = take_rows(data.train_mask, rows);
            const LossResult l = softmax_cross_entropy_loss(model.forward(take_rows(data.train_ids, rows), mask),
                                                            take_rows(data.train_labels, rows));
            model.backward(l.grad, mask);
            return l.loss;
        },
        [&] {
            const double test_accuracy = argmax_accuracy(model.forward(data.test_ids, data.test_mask), data.test_labels);
            std::printf("  test accuracy %.4f\n", test_accuracy);
            return nlohmann::json{{"test_accuracy", test_accuracy}};
        });
}

// The attention pooling's weights over the words of a few test sentences, the decisive word marked.
void write_pooling_heatmap(const std::string& path, SentenceModel& model, const SentenceData& data) {
    const int shown = std::min(6, static_cast<int>(data.test.size())), T = data.test_ids.dim(1);
    std::vector<int> rows(static_cast<std::size_t>(shown));
    std::iota(rows.begin(), rows.end(), 0);
    model.forward(take_rows(data.test_ids, rows), take_rows(data.test_mask, rows));
    const int width = T;
    Tensor m({shown, width});
    HeatmapLabels labels;
    labels.title = "attention pooling weights over the words of six test sentences (* = the decisive word)";
    for (int i = 0; i < shown; ++i) {
        const KeywordSentence& s = data.test[static_cast<std::size_t>(i)];
        labels.rows.push_back("sentence " + std::to_string(i + 1) + " (word " + std::to_string(s.position + 1) + " " +
                              s.words[static_cast<std::size_t>(s.position)] + ")");
        for (int t = 0; t < width; ++t) {
            m(i, t) = model.pool_weights(i, t);
            labels.cells.push_back(t == s.position ? "*" : "");
        }
    }
    for (int t = 0; t < width; ++t) labels.cols.push_back(std::to_string(t + 1));
    write_png(path, labelled_heatmap(m, labels, 13, 0.0f, 1.0f));
}


// ---------------------------------------------------------------------------------------------------
// 3. Questions: passage and question through the same encoder, your span attention (exercise 5) for the
// start and end logits, your best_span for the answer.

struct QaData {
    Vocabulary vocab;
    Tensor train_ids, train_mask, test_ids, test_mask;  // (2N, T): the N passages, then the N questions
    std::vector<FactQuestion> train, test;
};

QaData make_qa_data(int train_n, int test_n, int facts) {
    QaData d{Vocabulary({}), {}, {}, {}, {}, make_fact_questions(train_n, facts, 41), make_fact_questions(test_n, facts, 42)};
    std::vector<std::string> words_seen;
    for (const auto* set : {&d.train, &d.test})
        for (const FactQuestion& q : *set)
            for (const auto* seq : {&q.passage, &q.question})
                for (const std::string& w : *seq)
                    if (std::find(words_seen.begin(), words_seen.end(), w) == words_seen.end()) words_seen.push_back(w);
    std::sort(words_seen.begin(), words_seen.end());
    d.vocab = Vocabulary(words_seen);
    return d;
}

// The passages then the questions of `rows`, right-padded to one length: ids and mask (2N, T).
Vocabulary::Encoded encode_qa(const Vocabulary& vocab, const std::vector<FactQuestion>& set, const std::vector<int>& rows) {
    std::vector<std::vector<std::string>> sequences;
    for (int r : rows) sequences.push_back(set[static_cast<std::size_t>(r)].passage);
    for (int r : rows) sequences.push_back(set[static_cast<std::size_t>(r)].question);
    return vocab.encode(sequences, false, /*left_pad=*/false);
}

struct QaModel {
    Encoder encoder;
    SpanWeights span;
    SpanWeights d_span;

    QaModel(int vocab, Rng& rng, int embed = 32, int hidden = 64)
        : encoder(vocab, embed, hidden, rng),
          span{init({2 * hidden}, 2 * hidden, rng), init({2 * hidden}, 2 * hidden, rng)} {}

    std::vector<Param> params() {
        std::vector<Param> p;
        encoder.add_params(p);
        p.insert(p.end(), {{"span.w_start", &span.w_start, &d_span.w_start}, {"span.w_end", &span.w_end, &d_span.w_end}});
        return p;
    }

    // Start and end logits (N, P) of passages (rows 0..N-1 of ids) given questions (rows N..2N-1); passage
    // padding gets -1e4, so that neither the loss nor best_span picks it.
    struct Forward {
        Tensor passage, question, question_mask, passage_mask;
        SpanResult span;
    };
    Forward forward(const Vocabulary::Encoded& batch) {
        const Tensor states = encoder.forward(batch.ids).out;  // (2N, T, H)
        const int N = states.dim(0) / 2;
        Forward f{slice_rows(states, 0, N), slice_rows(states, N, 2 * N), slice_rows(batch.mask, N, 2 * N),
                  slice_rows(batch.mask, 0, N), {}};
        f.span = span_attention_forward(f.passage, f.question, f.question_mask, span);
        for (std::size_t i = 0; i < f.passage_mask.size(); ++i)
            if (f.passage_mask[i] == 0.0f) f.span.start_logits[i] = f.span.end_logits[i] = -1e4f;
        return f;
    }

    // Cross-entropy of the gold start plus that of the gold end, batch mean; fills every gradient.
    double train_step(const Vocabulary::Encoded& batch, const Tensor& starts, const Tensor& ends) {
        const Forward f = forward(batch);
        const LossResult start = softmax_cross_entropy_loss(f.span.start_logits, starts);
        const LossResult end = softmax_cross_entropy_loss(f.span.end_logits, ends);
        SpanGrads g = span_attention_backward(start.grad, end.grad, f.passage, f.question, f.question_mask, span);
        d_span = {std::move(g.d_w_start), std::move(g.d_w_end)};
        const Tensor d_states = concat_rows(g.d_passage, g.d_question);
        const Tensor zeros({d_states.dim(0), d_states.dim(2)});
        encoder.backward(d_states, zeros, zeros);
        return start.loss + end.loss;
    }
};

// Exact match of best_span against the gold spans of set[rows].
double span_exact_match(QaModel& model, const QaData& data, const std::vector<FactQuestion>& set) {
    int right = 0;
    for (std::size_t begin = 0; begin < set.size(); begin += 256) {
        std::vector<int> rows;
        for (std::size_t r = begin; r < std::min(set.size(), begin + 256); ++r) rows.push_back(static_cast<int>(r));
        const QaModel::Forward f = model.forward(encode_qa(data.vocab, set, rows));
        const int P = f.span.start_logits.dim(1);
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const FactQuestion& q = set[static_cast<std::size_t>(rows[i])];
            Tensor start({P}), end({P});
            std::copy_n(&f.span.start_logits(static_cast<int>(i), 0), P, start.data());
            std::copy_n(&f.span.end_logits(static_cast<int>(i), 0), P, end.data());
            const auto [s, e] = best_span(start, end, static_cast<int>(q.passage.size()), 3);
            right += s == q.answer_start && e == q.answer_end;
        }
    }
    return static_cast<double>(right) / set.size();
}

// How the passage positions of one test example weigh the question's words, with the predicted span.
void write_qa_heatmap(const std::string& path, QaModel& model, const QaData& data) {
    const FactQuestion& q = data.test[0];
    const QaModel::Forward f = model.forward(encode_qa(data.vocab, data.test, {0}));
    const int P = static_cast<int>(q.passage.size()), Q = static_cast<int>(q.question.size());
    Tensor start({f.span.start_logits.dim(1)}), end({f.span.end_logits.dim(1)});
    std::copy_n(f.span.start_logits.data(), start.size(), start.data());
    std::copy_n(f.span.end_logits.data(), end.size(), end.data());
    const auto [s, e] = best_span(start, end, P, 3);
    Tensor m({Q, P});
    HeatmapLabels labels;
    for (int j = 0; j < Q; ++j) {
        labels.rows.push_back(q.question[static_cast<std::size_t>(j)]);
        for (int t = 0; t < P; ++t) m(j, t) = f.span.attention(0, t, j);
    }
    for (int t = 0; t < P; ++t) labels.cols.push_back((t >= s && t <= e ? "> " : "") + q.passage[static_cast<std::size_t>(t)]);
    std::string answer;
    for (int t = s; t <= e; ++t) answer += (t > s ? " " : "") + q.passage[static_cast<std::size_t>(t)];
    labels.title = "each passage word's attention over the question; answer \"" + answer + "\" (marked >)";
    write_png(path, labelled_heatmap(m, labels, 16, 0.0f, 1.0f));
}

// The exact match of a reader that knows the relation asked but not the name: it picks one of the passage's
// facts with that relation at random. Expected value: the mean over questions of 1 / (facts with the relation).
double relation_only_baseline(const std::vector<FactQuestion>& set) {
    double total = 0;
    for (const FactQuestion& q : set) {
        // a fact is the words between two "."; its relation, the words between the name and the answer
        auto relation_at = [&](int answer_start) {
            int begin = answer_start;
            while (begin > 0 && q.passage[static_cast<std::size_t>(begin - 1)] != ".") --begin;
            return std::vector<std::string>(q.passage.begin() + begin + 1, q.passage.begin() + answer_start);
        };
        const std::vector<std::string> asked = relation_at(q.answer_start);
        int same = 0;
        for (std::size_t begin = 0; begin < q.passage.size();) {  // each fact: name, relation words, answer, "."
            std::size_t end = begin;
            while (q.passage[end] != ".") ++end;
            const std::vector<std::string> fact(q.passage.begin() + static_cast<long>(begin) + 1,
                                                q.passage.begin() + static_cast<long>(end));
            same += fact.size() > asked.size() && std::equal(asked.begin(), asked.end(), fact.begin()) &&
                    (fact.size() - asked.size() <= 2);
            begin = end + 1;
        }
        total += 1.0 / std::max(1, same);
    }
    return total / static_cast<double>(set.size());
}

nlohmann::json train_qa_model(QaModel& model, const QaData& data, int epochs) {
    return train_epochs(
        model.params(), static_cast<int>(data.train.size()), epochs, "span attention", 7,
        [&](const std::vector<int>& rows) {
            Tensor starts({kBatch}), ends({kBatch});
            for (int i = 0; i < kBatch; ++i) {
                starts[static_cast<std::size_t>(i)] = static_cast<float>(data.train[rows[i]].answer_start);
                ends[static_cast<std::size_t>(i)] = static_cast<float>(data.train[rows[i]].answer_end);
            }
            return model.train_step(encode_qa(data.vocab, data.train, rows), starts, ends);
        },
        [&] {
            const double em = span_exact_match(model, data, data.test);
            std::printf("  test exact match %.4f\n", em);
            return nlohmann::json{{"test_exact_match", em}};
        });
}

}  // namespace

int main(int argc, char** argv) {
    keep_freed_memory_for_reuse();
    CLI::App app;
    Options o;
    run02::define_options(app, o);
    CLI11_PARSE(app, argc, argv);
    std::filesystem::create_directories(o.out_dir);
    if (o.smoke) o.date_epochs = 1, o.sentence_epochs = 1, o.qa_epochs = 1;

    try {
        // 1. dates
        const DateData dates = make_date_data(o.smoke ? 256 : 10000, o.smoke ? 64 : 1000);
        std::printf("Chapter 02 (%s kernels)\n\n1. Date translation: %d training pairs, %d test pairs, %d source characters\n",
                    WB_FLAVOUR, dates.train_source.dim(0), dates.test_source.dim(0), dates.source_vocab.size());
        std::fflush(stdout);
        nlohmann::json date_results = nlohmann::json::object();
        Rng rng(2);
        DateModel with_attention(true, dates.source_vocab.size(), dates.target_vocab.size(), rng);
        Rng same_rng(2);  // the same initial weights
        DateModel without_attention(false, dates.source_vocab.size(), dates.target_vocab.size(), same_rng);
        for (DateModel* model : {&with_attention, &without_attention}) {
            const std::string name = model->attention ? "with attention" : "without attention";
            GreedyDecodeResult translations;
            nlohmann::json epochs = train_date_model(*model, dates, o.date_epochs, name, translations);
            nlohmann::json result{{"epochs", epochs},
                                  {"test_exact_match", epochs.back()["test_exact_match"]},
                                  {"by_source_length", exact_match_by(dates, translations, length_bucket)},
                                  {"by_format", exact_match_by(dates, translations, [](const DatePair& p) {
                                       return (p.format < 10 ? "0" : "") + std::to_string(p.format);
                                   })}};
            nlohmann::json examples = nlohmann::json::array();
            for (int n = 0; n < std::min(8, static_cast<int>(dates.test_pairs.size())); ++n)
                examples.push_back({dates.test_pairs[n].source,
                                    dates.target_vocab.decode(&translations.tokens(n, 0), translations.tokens.dim(1), "")});
            result["examples"] = examples;
            date_results[model->attention ? "attention" : "no_attention"] = result;
            if (model->attention) write_date_heatmaps(o.out_dir + "/date_attention.png", dates, translations);
        }
        std::printf("\n  exact match by source length (characters): with attention / without\n");
        for (const auto& [bucket, r] : date_results["attention"]["by_source_length"].items())
            std::printf("    %s  %.3f / %.3f  (%d pairs)\n", bucket.c_str(), r["exact_match"].get<double>(),
                        date_results["no_attention"]["by_source_length"][bucket]["exact_match"].get<double>(),
                        r["pairs"].get<int>());

        // 2. sentences
        const SentenceData sentences = make_sentence_data(o.smoke ? 256 : 4000, o.smoke ? 64 : 1000, 20, 80);
        std::printf("\n2. Sentence classification: %d training sentences of 20-80 words, %d test, one decisive word each\n",
                    sentences.train_ids.dim(0), sentences.test_ids.dim(0));
        std::fflush(stdout);
        nlohmann::json sentence_results = nlohmann::json::object();
        for (bool attention : {true, false}) {
            Rng model_rng(3);
            SentenceModel model(attention, sentences.vocab.size(), model_rng);
            const std::string name = attention ? "attention pooling" : "mean pooling";
            const nlohmann::json epochs = train_sentence_model(model, sentences, o.sentence_epochs, name);
            sentence_results[attention ? "attention_pooling" : "mean_pooling"] = {
                {"epochs", epochs}, {"test_accuracy", epochs.back()["test_accuracy"]}};
            if (attention) write_pooling_heatmap(o.out_dir + "/pooling_weights.png", model, sentences);
        }
        std::printf("\n  test accuracy: attention pooling %.4f, mean pooling %.4f\n",
                    sentence_results["attention_pooling"]["test_accuracy"].get<double>(),
                    sentence_results["mean_pooling"]["test_accuracy"].get<double>());

        // 3. questions
        const QaData qa = make_qa_data(o.smoke ? 256 : 8000, o.smoke ? 64 : 1000, 6);
        std::printf("\n3. Question answering: %zu passages of 6 facts about 3 people, %zu test; e.g.\n   \"%s\"\n"
                    "   asked \"%s\"\n", qa.train.size(), qa.test.size(), join(qa.test[0].passage).c_str(),
                    join(qa.test[0].question).c_str());
        std::fflush(stdout);
        Rng qa_rng(4);
        QaModel qa_model(qa.vocab.size(), qa_rng);
        const nlohmann::json qa_epochs = train_qa_model(qa_model, qa, o.qa_epochs);
        const double baseline = relation_only_baseline(qa.test);
        std::printf("  a reader that knows the relation but not the name would score %.3f\n", baseline);
        const nlohmann::json qa_results{{"epochs", qa_epochs}, {"test_exact_match", qa_epochs.back()["test_exact_match"]},
                                        {"relation_only_baseline", baseline}};
        write_qa_heatmap(o.out_dir + "/qa_attention.png", qa_model, qa);

        const nlohmann::json metrics{{"kernels", WB_FLAVOUR}, {"dates", date_results}, {"sentences", sentence_results},
                                     {"questions", qa_results}};
        std::ofstream(o.out_dir + "/metrics.json") << metrics.dump(1) << "\n";
        save_weights(o.out_dir + "/weights.wbt", with_attention.params());
        std::printf("\nwrote %s/metrics.json, date_attention.png, pooling_weights.png, qa_attention.png, weights.wbt\n", o.out_dir.c_str());
    } catch (const NotImplemented& e) {
        std::fprintf(stderr, "\nrun 02: %s() is still a stub. Finish that exercise first (./wb grade 02 03 shows which).\n",
                     e.function().c_str());
        return 3;
    }
    return 0;
}
