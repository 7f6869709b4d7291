// ./wb run 09 [--solutions] [--corpus en|zh] [--epochs N] [--steps N] [--batch N] [--context N] [--smoke]
//
// Trains a small GPT (layers/transformer_layers: token embedding, pre-norm decoder blocks of RMSNorm, grouped-query
// causal attention with RoPE and SwiGLU, a final RMSNorm and a head) on a Debian text corpus, character by
// character, with your chapter 09 kernels (and chapter 01's attention under the GQA). Adam 2e-3, no schedule
// (chapter 11 brings AdamW, warmup and cosine decay).
//   en: the English fortune cookies of `fortunes`;  zh: the 300 Tang poems and 100 Song lyrics of `fortunes-zh`.
// Every 20th document is held out for the validation loss. After training: samples at two settings, and generation
// timed with and without the KV cache at contexts 128, 256 and 512 (the same tokens at temperature 0): tokens per
// second after the first token, whose prefill is timed apart.
// Writes to the output folder: metrics.json (per epoch: train loss, validation loss, seconds, the loss per step;
// the samples; the generation speeds) and weights.wbt (the same seed and thread count give the same bits). ./wb run
// draws training.png from metrics.json.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "chapters/09_transformer/sampling.hpp"
#include "framework/errors.hpp"
#include "framework/heap.hpp"
#include "framework/losses.hpp"
#include "framework/optim.hpp"
#include "framework/png.hpp"
#include "framework/progress.hpp"
#include "framework/serialize.hpp"
#include "framework/text_corpus.hpp"
#include "layers/transformer_layers.hpp"
#include "programs/09_transformer/options.hpp"
#include "programs/cli.hpp"

using namespace wb;
using run09::Options;

static Options parse(int argc, char** argv) {
    Options o = wb::cli::parse_or_exit(argc, argv, "run_09", &run09::define_options);
    if (o.smoke) o.epochs = 2, o.steps = 4, o.batch = 4, o.context = 32;
    return o;
}

/// The corpus split into training and validation documents (every 20th), encoded with one vocabulary.
struct Corpus {
    CharVocabulary vocabulary;
    std::vector<int> train, validation;
    std::size_t documents = 0;
};

static Corpus load_corpus(const std::string& which) {
    const std::vector<std::string> documents =
        read_fortunes(which == "zh" ? chinese_poem_files() : english_fortune_files());
    const DocumentSplit split = hold_out_every(documents, 20);
    Corpus c;
    c.vocabulary = CharVocabulary::of(documents);
    c.train = c.vocabulary.encode(split.train);
    c.validation = c.vocabulary.encode(split.validation);
    c.documents = documents.size();
    return c;
}

/// The validation loss: the mean next-token cross-entropy over fixed windows of the held-out stream.
static double validation_loss(Gpt& gpt, const std::vector<TokenBatch>& windows) {
    double sum = 0.0;
    for (const TokenBatch& w : windows) sum += sequence_cross_entropy_loss(gpt.forward(w.inputs), w.targets).loss;
    return sum / static_cast<double>(windows.size());
}

/// The logits (V) of position t of the first sequence of logits (1, T, V).
static Tensor logits_at(const Tensor& logits, int t) {
    const int V = logits.dim(2);
    Tensor row({V});
    std::copy_n(&logits(0, t, 0), V, row.data());
    return row;
}

static Tensor ids_tensor(const std::vector<int>& ids) {
    Tensor t({1, static_cast<int>(ids.size())});
    for (std::size_t i = 0; i < ids.size(); ++i) t[i] = static_cast<float>(ids[i]);
    return t;
}

using Sampler = std::function<int(const Tensor& logits)>;

/// Where generate's time went: until the first new token (the prefill, with the cache), and on the others.
struct GenerationTime {
    double first_token = 0.0, other_tokens = 0.0;
};

/// `count` tokens after `prompt`, each picked from the logits of the last position; stops early after `stop` (-1:
/// never). With the cache, the prompt is one prefill call and each further token one decode call (T = 1); without
/// it, every new token runs the model over the whole sequence again.
static std::vector<int> generate(Gpt& gpt, const std::vector<int>& prompt, int count, bool use_cache,
                                 const Sampler& pick, int stop = -1, GenerationTime* time = nullptr) {
    const auto started = std::chrono::steady_clock::now();
    std::vector<int> sequence = prompt, generated;
    std::vector<KvCache> caches;
    Tensor logits;
    if (use_cache) {
        caches = gpt.make_caches(1, static_cast<int>(prompt.size()) + count);
        logits = gpt.forward_cached(ids_tensor(prompt), caches);
    }
    while (static_cast<int>(generated.size()) < count) {
        if (!use_cache) logits = gpt.forward(ids_tensor(sequence));
        const int token = pick(logits_at(logits, logits.dim(1) - 1));
        generated.push_back(token);
        sequence.push_back(token);
        if (time && generated.size() == 1) time->first_token = seconds_since(started);
        if (token == stop) break;
        if (use_cache && static_cast<int>(generated.size()) < count)
            logits = gpt.forward_cached(ids_tensor({token}), caches);
    }
    if (time) time->other_tokens = seconds_since(started) - time->first_token;
    return generated;
}

/// A character as a heatmap label: the font draws printable ASCII only.
static std::string label_of(const std::string& symbol) {
    if (symbol == "\n") return "\\n";
    if (symbol == "\n\n") return "end";
    if (symbol.size() == 1 && symbol[0] >= 32 && symbol[0] < 127) return symbol == " " ? "_" : symbol;
    return "#";
}

/// The attention weights of every head of the last block over the first `length` characters of the held-out
/// text, two to a row: row t, column s is how much position t read position s.
static Image attention_picture(Gpt& gpt, const Corpus& corpus, int length) {
    const std::vector<int> ids(corpus.validation.begin(), corpus.validation.begin() + length);
    gpt.forward(ids_tensor(ids));
    const Tensor& weights = gpt.blocks.back()->attention_weights();  // (Hq, T, T)
    std::vector<std::string> labels;
    for (int id : ids) labels.push_back(label_of(corpus.vocabulary.symbols[static_cast<std::size_t>(id)]));
    std::vector<Image> heads;
    for (int h = 0; h < weights.dim(0); ++h) {
        Tensor head({length, length});
        std::copy_n(&weights(h, 0, 0), head.size(), head.data());
        HeatmapLabels text;
        text.title = "last block, head " + std::to_string(h + 1) + " (rows: query position, columns: key)";
        text.rows = text.cols = labels;
        text.cells.assign(head.size(), "");
        heads.push_back(labelled_heatmap(head, text, 14, 0.0f, 1.0f));
    }
    // two heads to a row
    const int pad = 16, cols = std::min<int>(2, static_cast<int>(heads.size()));
    const int rows = (static_cast<int>(heads.size()) + cols - 1) / cols;
    const int tile_w = heads[0].width + pad, tile_h = heads[0].height + pad;
    Image sheet = blank_image(rows * tile_h, cols * tile_w, {255, 255, 255});
    for (std::size_t h = 0; h < heads.size(); ++h)
        paste(sheet, heads[h], static_cast<int>(h % cols) * tile_w, static_cast<int>(h / cols) * tile_h);
    return sheet;
}

int main(int argc, char** argv) {
    keep_freed_memory_for_reuse();  // training reuses the same large blocks every step
    Options o;
    Corpus corpus;
    try {
        o = parse(argc, argv);
        corpus = load_corpus(o.corpus);
    } catch (const std::exception& e) {  // a missing corpus names its path and its package
        std::fprintf(stderr, "run 09: %s\n", e.what());
        return 2;
    }
    std::filesystem::create_directories(o.out_dir);
    try {
        GptConfig config;
        config.vocab = corpus.vocabulary.size();
        if (o.smoke) config.width = 32, config.layers = 2, config.hidden = 96;
        Rng rng(o.seed ? static_cast<std::uint64_t>(o.seed) : 1);
        Gpt gpt(config, rng);
        std::size_t parameters = 0;
        for (const Param& p : gpt.params()) parameters += p.value->size();
        // the first 64 windows of the held-out text (8,192 characters at T = 128)
        const std::vector<TokenBatch> validation = consecutive_windows(corpus.validation, o.batch, o.context, 64);
        std::printf("Chapter 09 (%s kernels): a GPT of %zu parameters on %s, character by character\n"
                    "  %zu documents: %zu training characters, %zu held out; %d symbols\n"
                    "  %d blocks of width %d: %d query heads and %d key/value heads of %d, SwiGLU %d; untied head\n"
                    "  %d epochs of %d steps, batch %d x %d tokens, Adam 2e-3\n\n",
                    WB_FLAVOUR, parameters, o.corpus == "zh" ? "Tang and Song poems (fortunes-zh)" : "fortunes",
                    corpus.documents, corpus.train.size(), corpus.validation.size(), config.vocab, config.layers,
                    config.width, config.heads, config.kv_heads, config.width / config.heads, config.hidden, o.epochs,
                    o.steps, o.batch, o.context);

        // The PyTorch twin (programs/09_transformer/twin_torch.py) starts from these weights and sees these batches.
        std::vector<Tensor> twin_batches;
        if (!o.twin.empty()) {
            std::filesystem::create_directories(o.twin);
            save_weights(o.twin + "/init.wbt", gpt.params());
        }

        Adam adam(2e-3f);
        nlohmann::json epochs = nlohmann::json::array();
        const double initial_validation = validation_loss(gpt, validation);
        std::printf("validation loss before training %.4f (uniform guessing: ln %d = %.4f)\n", initial_validation,
                    config.vocab, std::log(static_cast<double>(config.vocab)));
        std::fflush(stdout);  // before the progress bars, which write to stderr
        long step = 0;
        for (int epoch = 1; epoch <= o.epochs; ++epoch) {
            const auto started = std::chrono::steady_clock::now();
            ProgressBar bar("epoch " + std::to_string(epoch) + "/" + std::to_string(o.epochs), o.steps);
            double sum = 0.0;
            nlohmann::json curve = nlohmann::json::array();
            for (int s = 0; s < o.steps; ++s) {
                const TokenBatch batch = next_token_batch(corpus.train, o.batch, o.context, rng);
                if (!o.twin.empty()) twin_batches.push_back(batch.inputs), twin_batches.push_back(batch.targets);
                const LossResult loss = sequence_cross_entropy_loss(gpt.forward(batch.inputs), batch.targets);
                gpt.backward(loss.grad);
                adam.step(gpt.params());
                sum += loss.loss;
                curve.push_back({++step, loss.loss});
                char text[48];
                std::snprintf(text, sizeof text, "loss %.4f", sum / (s + 1));
                bar.update(s + 1, text);
            }
            const double val = validation_loss(gpt, validation);
            char text[64];
            std::snprintf(text, sizeof text, "loss %.4f  validation %.4f", sum / o.steps, val);
            bar.finish(text);
            epochs.push_back({{"epoch", epoch}, {"train_loss", sum / o.steps}, {"val_loss", val},
                              {"seconds", seconds_since(started)}, {"loss_curve", curve}});
        }
        if (!o.twin.empty()) {
            std::vector<NamedTensor> data;
            for (std::size_t i = 0; i < twin_batches.size(); ++i)
                data.push_back({(i % 2 ? "targets" : "inputs") + std::to_string(i / 2), twin_batches[i]});
            for (std::size_t i = 0; i < validation.size(); ++i) {
                data.push_back({"val_inputs" + std::to_string(i), validation[i].inputs});
                data.push_back({"val_targets" + std::to_string(i), validation[i].targets});
            }
            save_tensors(o.twin + "/batches.wbt", data);
            std::ofstream(o.twin + "/config.json")
                << nlohmann::json{{"vocab", config.vocab}, {"width", config.width}, {"layers", config.layers},
                                  {"heads", config.heads}, {"kv_heads", config.kv_heads}, {"hidden", config.hidden},
                                  {"lr", 2e-3}, {"epochs", o.epochs}, {"steps", o.steps},
                                  {"val_batches", validation.size()}}
                       .dump(2);
        }

        // Samples: documents begin after the end-of-document id 0, so the prompt is that id alone.
        nlohmann::json samples = nlohmann::json::array();
        Rng sampling_rng(o.seed ? static_cast<std::uint64_t>(o.seed) + 1 : 2);
        const struct {
            std::string name;
            Sampler pick;
        } settings[] = {
            {"temperature 1.0 (the model's own distribution)",
             [&](const Tensor& z) { return sample_temperature(z, 1.0f, sampling_rng.uniform01()).token; }},
            {"temperature 0.7, top-p 0.9",
             [&](const Tensor& z) { return sample_top_p(z, 0.9f, 0.7f, sampling_rng.uniform01()).token; }},
        };
        // no longer than the training windows: RoPE meets positions it never trained on beyond them
        const int sample_length = o.context;
        for (const auto& setting : settings) {
            std::printf("\n--- samples, %s ---\n", setting.name.c_str());
            nlohmann::json texts = nlohmann::json::array();
            for (int k = 0; k < 3; ++k) {
                std::vector<int> ids = generate(gpt, {0}, sample_length, true, setting.pick, 0);
                if (!ids.empty() && ids.back() == 0) ids.pop_back();
                const std::string text = corpus.vocabulary.decode(ids);
                std::printf("%s\n%s", text.c_str(), k < 2 ? "  ~\n" : "");
                texts.push_back(text);
            }
            samples.push_back({{"setting", setting.name}, {"texts", texts}});
        }

        // Generation speed: a prompt of the held-out text, then `new_tokens` greedy tokens, with and without the
        // cache. The first token costs a pass over the whole prompt either way (the prefill, with the cache); the
        // tokens per second are those of the other new tokens, one model call each.
        nlohmann::json speeds = nlohmann::json::array();
        const int new_tokens = o.smoke ? 8 : 32;
        std::printf("\ngeneration: a prompt, then %d greedy tokens; tokens per second after the first token\n", new_tokens);
        std::printf("  %8s %12s %14s %18s %8s %12s\n", "context", "prefill ms", "cached tok/s", "recomputed tok/s",
                    "speedup", "same tokens");
        const Sampler greedy = [](const Tensor& z) { return sample_greedy(z).token; };
        for (const int context : o.smoke ? std::vector<int>{32, 64} : std::vector<int>{128, 256, 512}) {
            const std::vector<int> prompt(corpus.validation.begin(), corpus.validation.begin() + (context - new_tokens));
            GenerationTime cached_time, recomputed_time;
            const std::vector<int> cached = generate(gpt, prompt, new_tokens, true, greedy, -1, &cached_time);
            const std::vector<int> recomputed = generate(gpt, prompt, new_tokens, false, greedy, -1, &recomputed_time);
            const bool same = cached == recomputed;
            const double cached_rate = (new_tokens - 1) / cached_time.other_tokens;
            const double recomputed_rate = (new_tokens - 1) / recomputed_time.other_tokens;
            std::printf("  %8d %12.1f %14.1f %18.1f %7.1fx %12s\n", context, 1000 * cached_time.first_token, cached_rate,
                        recomputed_rate, cached_rate / recomputed_rate, same ? "yes" : "NO");
            speeds.push_back({{"context", context}, {"new_tokens", new_tokens},
                              {"prefill_ms", 1000 * cached_time.first_token},
                              {"cached_tokens_per_second", cached_rate}, {"recomputed_tokens_per_second", recomputed_rate},
                              {"speedup", cached_rate / recomputed_rate}, {"identical", same}});
        }

        const nlohmann::json metrics{
            {"corpus", o.corpus}, {"seed", o.seed}, {"kernels", WB_FLAVOUR}, {"parameters", parameters},
            {"vocab", config.vocab}, {"train_tokens", corpus.train.size()}, {"val_tokens", corpus.validation.size()},
            {"config", {{"width", config.width}, {"layers", config.layers}, {"heads", config.heads},
                        {"kv_heads", config.kv_heads}, {"hidden", config.hidden}, {"batch", o.batch},
                        {"context", o.context}, {"steps_per_epoch", o.steps}, {"lr", 2e-3}}},
            {"initial_val_loss", initial_validation}, {"epochs", epochs}, {"samples", samples},
            {"generation", speeds}};
        std::ofstream(o.out_dir + "/metrics.json") << metrics.dump(2) << "\n";
        save_weights(o.out_dir + "/weights.wbt", gpt.params());
        write_png(o.out_dir + "/attention.png", attention_picture(gpt, corpus, std::min(o.context, 48)));
        std::printf("\nvalidation loss %.4f after %d epoch(s); wrote %s/metrics.json, attention.png, weights.wbt\n",
                    epochs.back()["val_loss"].get<double>(), o.epochs, o.out_dir.c_str());
    } catch (const NotImplemented& e) {
        std::fprintf(stderr,
                     "\nrun 09: %s() is still a stub. Finish that exercise first (./wb grade 01 09 shows which: the "
                     "GPT runs on your chapter 09 kernels and your chapter 01 attention).\n",
                     e.function().c_str());
        return 3;
    }
    return 0;
}
