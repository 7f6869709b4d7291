// ./wb run 06 [--solutions] [--steps N] [--lengths 25,50,100,200] [--hidden H] [--seeds S] [--smoke]
//
// The program the source's questions 6 and 9 claim to write, done right: an LSTM that returns its states,
// your LastStateAttention over them, and an output layer, trained end to end on the marked-digit recall
// task (your make_marked_recall), beside the source's model as it really is (a plain LSTM, given the
// output layer it lacks). Both models see the same batches, from the same initial LSTM weights, for each
// sequence length. With --seeds S, each length is trained S times from other initial weights and batches.
// Writes build/out/06/: metrics.json (test accuracy every 100 steps, time per step, where the trained
// attention looks), attention_weights.png (the mark shown) and weights.wbt.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "chapters/06_attention_rnn_program/attention_layer.hpp"
#include "chapters/06_attention_rnn_program/models.hpp"
#include "chapters/06_attention_rnn_program/recall.hpp"
#include "framework/heap.hpp"
#include "framework/losses.hpp"
#include "framework/metrics.hpp"
#include "framework/optim.hpp"
#include "framework/png.hpp"
#include "framework/progress.hpp"
#include "framework/serialize.hpp"
#include "programs/06_attention_rnn_program/options.hpp"
#include "programs/cli.hpp"

using namespace wb;

namespace {

using run06::Options;

double accuracy(Sequential& model, const RecallBatch& test) { return argmax_accuracy(model.forward(test.x), test.labels); }

// Trains one model on fresh batches, testing every 100 steps; returns its record.
nlohmann::json train(Sequential& model, const std::string& name, int length, int seed, const Options& o,
                     const RecallBatch& test) {
    Rng data(1000 + length + 7919 * seed);  // the same batches for both models of a length and seed
    Adam adam(o.lr);
    nlohmann::json curve = nlohmann::json::array();
    ProgressBar bar(name + ", T = " + std::to_string(length), o.steps);
    double loss = 0, seconds = 0;
    for (int step = 1; step <= o.steps; ++step) {
        const RecallBatch b = make_marked_recall(o.batch, length, data);
        const auto start = std::chrono::steady_clock::now();
        const LossResult l = softmax_cross_entropy_loss(model.forward(b.x), b.labels);
        model.backward(l.grad);
        adam.step(model.params());
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        loss += l.loss;
        if (step % 100 == 0 || step == o.steps) {
            const double acc = accuracy(model, test);
            curve.push_back({{"step", step}, {"train_loss", loss / std::min(step, 100)}, {"test_accuracy", acc}});
            char shown[64];
            std::snprintf(shown, sizeof shown, "loss %.3f test accuracy %.3f", loss / std::min(step, 100), acc);
            bar.update(step, shown);
            loss = 0;
        }
    }
    bar.finish();
    nlohmann::json solved_at;  // the first test at 0.99 or more, null if none
    for (const auto& point : curve)
        if (point["test_accuracy"].get<double>() >= 0.99) {
            solved_at = point["step"];
            break;
        }
    return {{"curve", curve}, {"test_accuracy", curve.back()["test_accuracy"]}, {"steps_to_99", solved_at},
            {"ms_per_step", 1000.0 * seconds / o.steps}, {"parameters", model.parameter_count()}};
}

// Where the trained attention looks, averaged over the test sequences: the weight on the marked step, and on
// the marked step and every later one (the states before the mark cannot know the digit).
nlohmann::json attention_statistics(Sequential& model, const RecallBatch& test) {
    auto& attention = dynamic_cast<LastStateAttention&>(model.layer(1));
    model.forward(test.x);
    const Tensor& a = attention.attention_weights();
    const int N = a.dim(0), T = a.dim(1);
    double on_mark = 0, from_mark_on = 0;
    for (int n = 0; n < N; ++n) {
        const int mark = static_cast<int>(test.positions[n]);
        on_mark += a(n, mark) / N;
        for (int t = mark; t < T; ++t) from_mark_on += a(n, t) / N;
    }
    return {{"weight_on_mark", on_mark}, {"weight_from_mark_on", from_mark_on}};
}

// The trained attention over the steps of a few test sequences, the marked step outlined.
void write_attention_heatmap(const std::string& path, Sequential& model, const RecallBatch& test, int rows) {
    auto& attention = dynamic_cast<LastStateAttention&>(model.layer(1));
    const Tensor logits = model.forward(test.x);
    const int T = test.x.dim(1);
    Tensor m({rows, T});
    HeatmapLabels labels;
    labels.title = "attention weights of the trained model (T = " + std::to_string(T) + "; [d] = the marked digit)";
    for (int n = 0; n < rows; ++n) {
        const int mark = static_cast<int>(test.positions[n]);
        const float* row = &logits(n, 0);
        const long answer = std::max_element(row, row + kDigits) - row;
        labels.rows.push_back("mark at " + std::to_string(mark + 1) + ", answer " + std::to_string(answer));
        for (int t = 0; t < T; ++t) {
            m(n, t) = attention.attention_weights()(n, t);
            int digit = 0;
            while (digit < kDigits && test.x(n, t, digit) == 0.0f) ++digit;
            labels.cells.push_back(t == mark ? "[" + std::to_string(digit) + "]" : std::to_string(digit));
        }
    }
    for (int t = 0; t < T; ++t) labels.cols.push_back(std::to_string(t + 1));
    write_png(path, labelled_heatmap(m, labels, T > 60 ? 12 : 20, 0.0f, 1.0f));
}

}  // namespace

int main(int argc, char** argv) {
    keep_freed_memory_for_reuse();
    CLI::App app;
    Options o;
    run06::define_options(app, o);
    CLI11_PARSE(app, argc, argv);
    std::filesystem::create_directories(o.out_dir);
    if (o.smoke) o.steps = 100, o.lengths = {10, 20}, o.hidden = 8;

    try {
        std::printf("Chapter 06 (%s kernels): marked-digit recall, %d steps of %d sequences per model, LSTM %d units, "
                    "Adam %g, %d seed%s per length\n\n", WB_FLAVOUR, o.steps, o.batch, o.hidden, o.lr, o.seeds,
                    o.seeds == 1 ? "" : "s");
        std::fflush(stdout);
        nlohmann::json results = nlohmann::json::array();
        std::vector<Param> kept;
        Sequential heatmap_model;
        for (int length : o.lengths)
            for (int seed = 0; seed < o.seeds; ++seed) {
                Rng test_rng(7);
                const RecallBatch test = make_marked_recall(o.smoke ? 100 : 1000, length, test_rng);
                Rng init_a(5 + seed), init_p(5 + seed);  // the LSTMs start from the same weights
                Sequential attention = build_attention_rnn(kRecallFeatures, o.hidden, kDigits, init_a);
                Sequential plain = build_plain_lstm(kRecallFeatures, o.hidden, kDigits, init_p);
                nlohmann::json with = train(attention, "attention RNN", length, seed, o, test);
                const nlohmann::json without = train(plain, "plain LSTM   ", length, seed, o, test);
                with.update(attention_statistics(attention, test));
                auto solved = [](const nlohmann::json& r) {
                    return r["steps_to_99"].is_null() ? std::string("never") : "after " + r["steps_to_99"].dump() + " steps";
                };
                std::printf("  T = %d%s: test accuracy %.3f with attention, %.3f without (chance 0.100); 0.99 reached %s "
                            "with attention, %s without; attention weight on the mark %.2f, on it and after %.2f\n\n",
                            length, o.seeds > 1 ? (", seed " + std::to_string(seed)).c_str() : "",
                            with["test_accuracy"].get<double>(), without["test_accuracy"].get<double>(),
                            solved(with).c_str(), solved(without).c_str(), with["weight_on_mark"].get<double>(),
                            with["weight_from_mark_on"].get<double>());
                std::fflush(stdout);
                results.push_back({{"length", length}, {"seed", seed}, {"attention_rnn", with}, {"plain_lstm", without}});
                if (seed == 0 && (length == o.lengths.front() || length == 50)) {
                    write_attention_heatmap(o.out_dir + "/attention_weights.png", attention, test, 6);
                    heatmap_model = std::move(attention);
                }
            }
        const nlohmann::json metrics{{"kernels", WB_FLAVOUR}, {"steps", o.steps},        {"batch", o.batch},
                                     {"hidden", o.hidden},     {"learning_rate", o.lr}, {"seeds", o.seeds},
                                     {"runs", results}};
        std::ofstream(o.out_dir + "/metrics.json") << metrics.dump(1) << "\n";
        save_weights(o.out_dir + "/weights.wbt", heatmap_model.params());
        std::printf("wrote %s/metrics.json, attention_weights.png, weights.wbt\n", o.out_dir.c_str());
    } catch (const NotImplemented& e) {
        std::fprintf(stderr, "\nrun 06: %s() is still a stub. Finish that exercise first (./wb grade 03 06 shows which).\n",
                     e.function().c_str());
        return 3;
    }
    return 0;
}
