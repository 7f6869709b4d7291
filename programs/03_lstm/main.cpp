// ./wb run 03: a plain RNN, an LSTM and a small self-attention model on two tasks that need memory over
// many steps, trained with your kernels on the same budget of steps.
//
// Adding problem (T = 50, 100, 200): each step holds a value u ~ U(0, 1) and a marker; two steps are
// marked, one in each half; the target is the sum of the two marked values. Predicting the mean scores
// MSE 1/6 = 0.167; "solved" is MSE < 0.04 on held-out sequences.
// Copy task: K symbols, a gap of blanks, a recall marker, then the model must output the K symbols.
//
// Then, for the trained RNN and LSTM, how large the gradient of the loss is at each h_t (walked back
// through time with your cell backward passes), and each model's time per training step.
//
// Associative recall: P (key, value) pairs, each one token, then the P keys again in another order; at each
// query the model must name the key's value. Four sequence mixers of one layer each, the same width: an
// LSTM, softmax self-attention (causal), causal linear attention and a gated linear recurrence (your
// linear_attention_* and linear_recurrence_* kernels). Accuracy against P shows what a fixed-size state
// holds; attention keeps every token instead.
// Writes build/out/03/: metrics.json and attention_weights.png (tools/charts.py draws the curves).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "chapters/03_lstm/clip.hpp"
#include "chapters/03_lstm/lstm_cell.hpp"
#include "chapters/03_lstm/rnn_cell.hpp"
#include "framework/heap.hpp"
#include "framework/losses.hpp"
#include "framework/model.hpp"
#include "framework/optim.hpp"
#include "framework/png.hpp"
#include "framework/progress.hpp"
#include "framework/random.hpp"
#include "layers/attention_layers.hpp"
#include "layers/rnn_layers.hpp"
#include "programs/03_lstm/options.hpp"
#include "programs/cli.hpp"

using namespace wb;

namespace {

using run03::Options;

struct Batch {
    Tensor x;  // (N, T, features)
    Tensor y;  // adding: (N, 1) sums; copy: (N, K) symbol indices 0..A-1
};

// x[n, t] = (u, marker); one marked step in each half; y[n] = the sum of the two marked u.
Batch adding_batch(int N, int T, Rng& rng) {
    Batch b{Tensor({N, T, 2}), Tensor({N, 1})};
    for (int n = 0; n < N; ++n) {
        for (int t = 0; t < T; ++t) b.x(n, t, 0) = rng.uniform01();
        const int first = static_cast<int>(rng.below(T / 2)), second = T / 2 + static_cast<int>(rng.below(T - T / 2));
        b.x(n, first, 1) = b.x(n, second, 1) = 1.0f;
        b.y(n, 0) = b.x(n, first, 0) + b.x(n, second, 0);
    }
    return b;
}

// One-hot inputs over A + 2 codes: K symbols, `gap` blanks of which the last is the recall marker, then K
// blanks during which the model must output the symbols. Length T = 2 K + gap.
Batch copy_batch(int N, int K, int A, int gap, Rng& rng) {
    const int T = 2 * K + gap;
    Batch b{Tensor({N, T, A + 2}), Tensor({N, K})};
    for (int n = 0; n < N; ++n) {
        for (int t = 0; t < T; ++t) b.x(n, t, 0) = 1.0f;  // blank everywhere first
        for (int k = 0; k < K; ++k) {
            const int symbol = static_cast<int>(rng.below(A));
            b.x(n, k, 0) = 0.0f;
            b.x(n, k, 1 + symbol) = 1.0f;
            b.y(n, k) = static_cast<float>(symbol);
        }
        b.x(n, K + gap - 1, 0) = 0.0f;
        b.x(n, K + gap - 1, A + 1) = 1.0f;
    }
    return b;
}

// Softmax cross-entropy on the last K steps of logits (N, T, A); the other steps get no gradient.
struct CopyLoss {
    double loss;
    double accuracy;
    Tensor grad;  // (N, T, A)
};
CopyLoss copy_loss(const Tensor& logits, const Tensor& targets) {
    const int N = logits.dim(0), T = logits.dim(1), A = logits.dim(2), K = targets.dim(1);
    Tensor recall({N * K, A}), labels({N * K});
    for (int n = 0; n < N; ++n)
        for (int k = 0; k < K; ++k) {
            std::copy_n(&logits(n, T - K + k, 0), A, &recall(n * K + k, 0));
            labels(n * K + k) = targets(n, k);
        }
    const LossResult ce = softmax_cross_entropy_loss(recall, labels);
    CopyLoss out{ce.loss, 0.0, Tensor({N, T, A})};
    int correct = 0;
    for (int r = 0; r < N * K; ++r) {
        const float* row = &recall(r, 0);
        correct += static_cast<int>(std::max_element(row, row + A) - row) == static_cast<int>(labels(r));
        std::copy_n(&ce.grad(r, 0), A, &out.grad(r / K, T - K + r % K, 0));
    }
    out.accuracy = static_cast<double>(correct) / (N * K);
    return out;
}

/// One model under test, with handles on the layers the experiment looks inside.
struct Model {
    std::string kind;  // "rnn", "lstm", "attention"
    Sequential net;
    ElmanRnn* rnn = nullptr;
    Lstm* lstm = nullptr;
    Dense* head = nullptr;
    SelfAttention* attention = nullptr;
};

// Per-step output for copy (many-to-many), the last step's for adding (many-to-one).
void build(Model& m, int inputs, int outputs, bool per_step, const Options& o, Rng& rng) {
    const auto output = per_step ? RecurrentOutput::sequence : RecurrentOutput::last;
    if (m.kind == "rnn") {
        m.rnn = &m.net.add<ElmanRnn>(inputs, o.hidden, rng, output);
        m.head = &m.net.add<Dense>(o.hidden, outputs, rng, Init::torch_default);
    } else if (m.kind == "lstm") {
        m.lstm = &m.net.add<Lstm>(inputs, o.hidden, rng, output);
        m.head = &m.net.add<Dense>(o.hidden, outputs, rng, Init::torch_default);
    } else {
        m.net.add<Dense>(inputs, o.width, rng, Init::torch_default);
        m.net.add<AddPositions>();
        m.attention = &m.net.add<SelfAttention>(o.width, o.heads, rng);
        if (!per_step) m.net.add<MeanOverTime>();
        m.head = &m.net.add<Dense>(o.width, outputs, rng, Init::torch_default);
    }
}

// Adam's step size per model: the recurrent models train best hotter than attention (tuned once on T = 50).
float learning_rate(const std::string& kind) { return kind == "attention" ? 2e-3f : 1e-2f; }

struct Run {
    std::string task, kind;
    int length = 0, gap = 0;
    std::vector<std::vector<double>> curve;  // [step, loss(, accuracy)] every curve_every steps
    double final_loss = 0, final_accuracy = 0;
    long solved_at = -1;  // adding: first step whose running mean training MSE fell below 0.04
    std::vector<double> init_norms;  // adding, rnn and lstm: |dL/dh_t| over t before training
    double train_seconds = 0;  // wall time of the training run
    double ms_per_step = 0;    // measured after training, one run at a time
    std::string skipped;       // why the run did not happen (the attention model on chapter 01 stubs)
    std::size_t parameters = 0;
    Model model;
};

// ||dL/dh_t|| for t = 0 .. T-1 (the mean over the batch of each sequence's norm), for a trained many-to-one
// RNN or LSTM on adding sequences: the forward and backward passes are walked step by step with your cell
// kernels, so the gradient reaching every h_t can be read off.
std::vector<double> gradient_through_time(Model& m, int T, Rng& rng) {
    const Batch b = adding_batch(64, T, rng);
    const int N = b.x.dim(0), I = b.x.dim(2);
    const int H = m.lstm ? m.lstm->weights.w_hh.dim(1) : m.rnn->weights.w_hh.dim(1);
    std::vector<LstmCellCache> lstm_steps;
    std::vector<RnnCellCache> rnn_steps;
    Tensor h({N, H}), c({N, H});
    for (int t = 0; t < T; ++t) {
        Tensor x_t({N, I});
        for (int n = 0; n < N; ++n) std::copy_n(&b.x(n, t, 0), I, &x_t(n, 0));
        if (m.lstm) {
            LstmCellResult r = lstm_cell_forward(x_t, h, c, m.lstm->weights);
            h = std::move(r.h), c = std::move(r.c);
            lstm_steps.push_back(std::move(r.cache));
        } else {
            RnnCellResult r = rnn_cell_forward(x_t, h, m.rnn->weights);
            h = std::move(r.h);
            rnn_steps.push_back(std::move(r.cache));
        }
    }
    const LossResult loss = mse_loss(m.head->forward(h), b.y);
    Tensor dh = m.head->backward(loss.grad), dc({N, H});
    std::vector<double> norms(static_cast<std::size_t>(T));
    for (int t = T - 1; t >= 0; --t) {
        double sum = 0;
        for (int n = 0; n < N; ++n) {
            double sq = 0;
            for (int j = 0; j < H; ++j) sq += static_cast<double>(dh(n, j)) * dh(n, j);
            sum += std::sqrt(sq);
        }
        norms[t] = sum / N;
        if (m.lstm) {
            LstmCellGrads g = lstm_cell_backward(dh, dc, lstm_steps[t], m.lstm->weights);
            dh = std::move(g.dh_prev), dc = std::move(g.dc_prev);
        } else {
            dh = rnn_cell_backward(dh, rnn_steps[t], m.rnn->weights).dh_prev;
        }
    }
    return norms;
}

constexpr double kSolved = 0.04;

// Trains one model on one task for o.steps steps: Adam, gradients clipped by global norm (your clip_grad_norm).
void train(Run& run, const Options& o) {
    const bool adding = run.task == "adding";
    Rng rng(adding ? 1000 + run.length : 2000 + run.gap), data_rng(adding ? 3000 + run.length : 4000 + run.gap);
    const int inputs = adding ? 2 : o.copy_alphabet + 2, outputs = adding ? 1 : o.copy_alphabet;
    run.model.kind = run.kind;
    build(run.model, inputs, outputs, !adding, o, rng);
    run.parameters = run.model.net.parameter_count();
    if (adding && run.kind != "attention") {  // the same sequences as after training (gradient_norms below)
        Rng probe(9);
        run.init_norms = gradient_through_time(run.model, run.length, probe);
    }
    Adam adam(learning_rate(run.kind));
    const int every = std::max(1, o.steps / 100);
    double window_loss = 0, window_acc = 0, running = 0;
    const std::string label = adding ? "adding T=" + std::to_string(run.length) + " " + run.kind
                                     : "copy gap=" + std::to_string(run.gap) + " " + run.kind;
    ProgressBar bar(label, o.steps);
    const auto start = std::chrono::steady_clock::now();
    for (int step = 1; step <= o.steps; ++step) {
        const Batch b = adding ? adding_batch(o.batch, run.length, data_rng)
                               : copy_batch(o.batch, o.copy_symbols, o.copy_alphabet, run.gap, data_rng);
        const Tensor out = run.model.net.forward(b.x);
        double loss = 0, acc = 0;
        if (adding) {
            const LossResult r = mse_loss(out, b.y);
            loss = r.loss;
            run.model.net.backward(r.grad);
        } else {
            const CopyLoss r = copy_loss(out, b.y);
            loss = r.loss, acc = r.accuracy;
            run.model.net.backward(r.grad);
        }
        clip_grad_norm(run.model.net.params(), o.clip);
        adam.step(run.model.net.params());
        window_loss += loss, window_acc += acc;
        running = step == 1 ? loss : 0.98 * running + 0.02 * loss;  // a running mean over about 50 steps
        if (adding && run.solved_at < 0 && step >= 50 && running < kSolved) run.solved_at = step;
        if (step % every == 0) {
            run.curve.push_back(adding ? std::vector<double>{double(step), window_loss / every}
                                       : std::vector<double>{double(step), window_loss / every, window_acc / every});
            window_loss = window_acc = 0;
        }
        if (step % 10 == 0 || step == o.steps) {
            char shown[64];
            std::snprintf(shown, sizeof shown, adding ? "mse %.4f" : "loss %.3f", running);
            bar.update(step, shown);
        }
    }
    run.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bar.finish();

    // Held-out sequences, never seen in training.
    Rng test_rng(adding ? 5000 + run.length : 6000 + run.gap);
    const Batch test = adding ? adding_batch(512, run.length, test_rng)
                              : copy_batch(512, o.copy_symbols, o.copy_alphabet, run.gap, test_rng);
    const Tensor out = run.model.net.forward(test.x);
    if (adding) {
        run.final_loss = mse_loss(out, test.y).loss;
    } else {
        const CopyLoss r = copy_loss(out, test.y);
        run.final_loss = r.loss, run.final_accuracy = r.accuracy;
    }
}

// Milliseconds per training step (forward, loss, backward, clip, Adam), the median of `reps`.
double time_per_step(Run& run, const Options& o, int reps) {
    Rng rng(7);
    Adam adam(1e-6f);
    std::vector<double> ms;
    const bool adding = run.task == "adding";
    for (int r = 0; r < reps; ++r) {
        const Batch b = adding ? adding_batch(o.batch, run.length, rng) : copy_batch(o.batch, o.copy_symbols, o.copy_alphabet, run.gap, rng);
        const auto start = std::chrono::steady_clock::now();
        const Tensor out = run.model.net.forward(b.x);
        run.model.net.backward(adding ? mse_loss(out, b.y).grad : copy_loss(out, b.y).grad);
        clip_grad_norm(run.model.net.params(), o.clip);
        adam.step(run.model.net.params());
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

// The attention model's weights on one held-out adding sequence, averaged over heads: (T, T).
void write_attention_picture(Run& run, const std::string& path) {
    Rng rng(8);
    const Batch b = adding_batch(1, run.length, rng);
    run.model.net.forward(b.x);
    const Tensor& w = run.model.attention->last_weights;  // (1, H, T, T)
    const int H = w.dim(1), T = w.dim(2);
    Tensor mean({T, T});
    for (int h = 0; h < H; ++h)
        for (int i = 0; i < T; ++i)
            for (int j = 0; j < T; ++j) mean(i, j) += w(0, h, i, j) / H;
    std::vector<int> marked;
    for (int t = 0; t < T; ++t)
        if (b.x(0, t, 1) > 0) marked.push_back(t);
    HeatmapLabels labels;
    labels.title = "Attention, adding T=" + std::to_string(T) + ": query rows, key columns, marked " +
                   std::to_string(marked.at(0)) + ", " + std::to_string(marked.at(1));
    write_png(path, labelled_heatmap(mean, labels, std::max(4, 480 / T)));
}

// ---- associative recall -------------------------------------------------------------------------

// x (N, 2P, K + V): tokens 0..P-1 hold a key one-hot and a value one-hot, tokens P..2P-1 a key alone (the
// same keys in another order); y (N, P): the value of each query's key.
Batch recall_batch(int N, int P, const Options& o, Rng& rng) {
    const int K = o.recall_keys, V = o.recall_values;
    Batch b{Tensor({N, 2 * P, K + V}), Tensor({N, P})};
    std::vector<int> keys(K), order(P), values(P);
    for (int n = 0; n < N; ++n) {
        for (int k = 0; k < K; ++k) keys[k] = k;
        for (int i = 0; i < P; ++i) std::swap(keys[i], keys[i + rng.below(K - i)]);  // P distinct keys
        for (int i = 0; i < P; ++i) {
            values[i] = static_cast<int>(rng.below(V));
            b.x(n, i, keys[i]) = 1.0f;
            b.x(n, i, K + values[i]) = 1.0f;
            order[i] = i;
        }
        for (int i = P - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
        for (int j = 0; j < P; ++j) {
            b.x(n, P + j, keys[order[j]]) = 1.0f;
            b.y(n, j) = static_cast<float>(values[order[j]]);
        }
    }
    return b;
}

struct RecallRun {
    std::string kind;  // "lstm", "attention", "linear_attention", "recurrence"
    int pairs = 0;
    Sequential net;
    std::size_t parameters = 0;
    long state_numbers = 0;  // what one sequence carries from token to token at inference
    double accuracy = 0, final_loss = 0, ms_per_step = 0;
    std::string skipped;
};

// Logits (N, 2P, V) at the query positions -> cross-entropy against y (N, P), and its gradient (zero at the pairs).
LossResult recall_loss(const Tensor& out, const Tensor& y, double* accuracy = nullptr) {
    const int N = out.dim(0), T = out.dim(1), V = out.dim(2), P = y.dim(1);
    Tensor logits({N * P, V}), labels({N * P});
    for (int n = 0; n < N; ++n)
        for (int j = 0; j < P; ++j) {
            std::copy_n(&out(n, T - P + j, 0), V, &logits(n * P + j, 0));
            labels[n * P + j] = y(n, j);
        }
    LossResult r = softmax_cross_entropy_loss(logits, labels);
    if (accuracy) {
        int right = 0;
        for (int i = 0; i < N * P; ++i)
            right += std::max_element(&logits(i, 0), &logits(i, 0) + V) - &logits(i, 0) == static_cast<long>(labels[i]);
        *accuracy = static_cast<double>(right) / (N * P);
    }
    Tensor grad({N, T, V});
    for (int n = 0; n < N; ++n)
        for (int j = 0; j < P; ++j) std::copy_n(&r.grad(n * P + j, 0), V, &grad(n, T - P + j, 0));
    r.grad = std::move(grad);
    return r;
}

void build_recall(RecallRun& run, const Options& o, Rng& rng) {
    const int F = o.recall_keys + o.recall_values, E = o.recall_width, V = o.recall_values, T = 2 * run.pairs;
    run.net.add<Dense>(F, E, rng, Init::torch_default);
    if (run.kind == "lstm") {
        run.net.add<Lstm>(E, E, rng);
        run.state_numbers = 2L * E;  // h and c
        run.net.add<Dense>(E, V, rng, Init::torch_default);
    } else if (run.kind == "attention") {
        Mask causal{{T, T}, std::vector<std::uint8_t>(static_cast<std::size_t>(T) * T)};
        for (int t = 0; t < T; ++t)
            for (int s = 0; s <= t; ++s) causal.allowed[static_cast<std::size_t>(t) * T + s] = 1;
        run.net.add<SelfAttention>(E, 1, rng, causal);
        run.state_numbers = 2L * E * T;  // the KV cache at the last token: it grows with T
        run.net.add<Dense>(E, V, rng, Init::torch_default);
    } else if (run.kind == "linear_attention") {
        run.net.add<LinearAttention>(E, o.recall_key_width, rng);
        run.state_numbers = static_cast<long>(E) * o.recall_key_width;  // S, (E, D)
        run.net.add<Dense>(E, V, rng, Init::torch_default);
    } else {
        run.net.add<GatedLinearRecurrence>(E, o.recall_state, rng);
        run.state_numbers = o.recall_state;
        run.net.add<Dense>(o.recall_state, V, rng, Init::torch_default);
    }
    run.parameters = run.net.parameter_count();
}

// Trains one model on recall with P pairs (Adam 3e-3, clip_grad_norm), then its held-out accuracy and time per step.
void train_recall(RecallRun& run, const Options& o, int reps) {
    Rng rng(7000 + run.pairs), data_rng(8000 + run.pairs);
    build_recall(run, o, rng);
    Adam adam(3e-3f);
    ProgressBar bar("recall P=" + std::to_string(run.pairs) + " " + run.kind, o.recall_steps);
    double running = 0;
    for (int step = 1; step <= o.recall_steps; ++step) {
        const Batch b = recall_batch(o.batch, run.pairs, o, data_rng);
        const LossResult r = recall_loss(run.net.forward(b.x), b.y);
        run.net.backward(r.grad);
        clip_grad_norm(run.net.params(), o.clip);
        adam.step(run.net.params());
        running = step == 1 ? r.loss : 0.98 * running + 0.02 * r.loss;
        if (step % 10 == 0 || step == o.recall_steps) {
            char shown[32];
            std::snprintf(shown, sizeof shown, "loss %.3f", running);
            bar.update(step, shown);
        }
    }
    bar.finish();
    Rng test_rng(9000 + run.pairs);  // held-out sequences
    const Batch test = recall_batch(512, run.pairs, o, test_rng);
    run.final_loss = recall_loss(run.net.forward(test.x), test.y, &run.accuracy).loss;
    // time per training step (forward, loss, backward, clip, Adam), the median of reps; learning rate 1e-6
    Adam still(1e-6f);
    std::vector<double> ms;
    for (int k = 0; k < reps; ++k) {
        const Batch b = recall_batch(o.batch, run.pairs, o, test_rng);
        const auto start = std::chrono::steady_clock::now();
        run.net.backward(recall_loss(run.net.forward(b.x), b.y).grad);
        clip_grad_norm(run.net.params(), o.clip);
        still.step(run.net.params());
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    run.ms_per_step = ms[ms.size() / 2];
}

// The accuracy of answering every query with the most frequent value of its sequence (a tie split evenly):
// what a model reaches that remembers which values occurred but not which key each belonged to.
double majority_value_accuracy(int P, const Options& o) {
    Rng test_rng(9000 + P);  // the held-out sequences of train_recall
    const Batch test = recall_batch(512, P, o, test_rng);
    double right = 0;
    for (int n = 0; n < test.y.dim(0); ++n) {
        std::vector<int> count(o.recall_values);
        for (int j = 0; j < P; ++j) ++count[static_cast<int>(test.y(n, j))];  // the queries ask every pair once
        const int most = *std::max_element(count.begin(), count.end());
        const int modes = static_cast<int>(std::count(count.begin(), count.end(), most));
        for (int j = 0; j < P; ++j) right += count[static_cast<int>(test.y(n, j))] == most ? 1.0 / modes : 0.0;
    }
    return right / (test.y.dim(0) * P);
}

nlohmann::json run_recall(const Options& o, int reps) {
    const std::vector<std::string> kinds{"lstm", "attention", "linear_attention", "recurrence"};
    std::vector<RecallRun> runs;
    for (int P : o.recall_pairs)
        for (const std::string& kind : kinds) {
            RecallRun run;
            run.kind = kind, run.pairs = P;
            try {
                train_recall(run, o, reps);
            } catch (const NotImplemented& e) {
                // the LSTM is this chapter's first exercises; the others may wait for theirs (or chapter 01's)
                if (kind == "lstm") throw;
                run.skipped = e.function() + "() is still a stub";
                std::fprintf(stderr, "recall, %s skipped: %s\n", kind.c_str(), run.skipped.c_str());
            }
            runs.push_back(std::move(run));
        }
    std::printf("\nAssociative recall (%d keys, %d values, width %d): held-out accuracy after %d steps (chance %.3f)\n",
                o.recall_keys, o.recall_values, o.recall_width, o.recall_steps, 1.0 / o.recall_values);
    std::printf("    P |       lstm  attention  linear_attention  recurrence | most frequent value\n");
    std::vector<double> majority;
    for (std::size_t k = 0; k < runs.size(); k += kinds.size()) {
        std::printf("%5d |", runs[k].pairs);
        for (std::size_t m = 0; m < kinds.size(); ++m) {
            char cell[16];
            std::snprintf(cell, sizeof cell, "%.3f", runs[k + m].accuracy);
            std::printf(m == 2 ? " %17s" : " %10s", runs[k + m].skipped.empty() ? cell : "skipped");
        }
        majority.push_back(majority_value_accuracy(runs[k].pairs, o));
        std::printf(" | %19.3f\n", majority.back());
    }
    std::printf("state carried per sequence at the last token: lstm %ld, attention %ld (KV cache at P = %d), "
                "linear_attention %ld, recurrence %ld numbers\n", runs[0].state_numbers,
                runs[runs.size() - kinds.size() + 1].state_numbers, runs.back().pairs, runs[2].state_numbers,
                runs[3].state_numbers);
    std::printf("time per training step (batch %d, ms), by sequence length T = 2P:\n    T |       lstm  attention  linear_attention  recurrence\n", o.batch);
    for (std::size_t k = 0; k < runs.size(); k += kinds.size()) {
        std::printf("%5d |", 2 * runs[k].pairs);
        for (std::size_t m = 0; m < kinds.size(); ++m) {
            char cell[16];
            std::snprintf(cell, sizeof cell, "%.2f", runs[k + m].ms_per_step);
            std::printf(m == 2 ? " %17s" : " %10s", runs[k + m].skipped.empty() ? cell : "skipped");
        }
        std::printf("\n");
    }
    nlohmann::json out{{"keys", o.recall_keys}, {"values", o.recall_values}, {"width", o.recall_width},
                       {"key_width", o.recall_key_width}, {"state", o.recall_state}, {"steps", o.recall_steps},
                       {"batch", o.batch}, {"pairs", o.recall_pairs}, {"majority_value_accuracy", majority},
                       {"runs", nlohmann::json::array()}};
    for (const RecallRun& run : runs)
        out["runs"].push_back({{"model", run.kind}, {"pairs", run.pairs}, {"length", 2 * run.pairs},
                               {"parameters", run.parameters}, {"state_numbers", run.state_numbers},
                               {"accuracy", run.accuracy}, {"final_loss", run.final_loss}, {"ms_per_step", run.ms_per_step},
                               {"skipped", run.skipped.empty() ? nlohmann::json() : nlohmann::json(run.skipped)}});
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    keep_freed_memory_for_reuse();
    CLI::App app;
    Options o;
    run03::define_options(app, o);
    CLI11_PARSE(app, argc, argv);
    const bool smoke = o.smoke;
    if (smoke) o.steps = 30, o.batch = 8, o.lengths = {12}, o.copy_gaps = {6}, o.recall_pairs = {3}, o.recall_steps = 20;
    std::filesystem::create_directories(o.out_dir);

    try {
        if (o.recall_only) {
            std::printf("Chapter 03 (%s kernels): associative recall only\n", WB_FLAVOUR);
            std::fflush(stdout);
            const nlohmann::json metrics{{"kernels", WB_FLAVOUR}, {"recall", run_recall(o, smoke ? 3 : 15)}};
            std::ofstream(o.out_dir + "/metrics.json") << metrics.dump(1) << "\n";
            std::printf("\nwrote %s/metrics.json\n", o.out_dir.c_str());
            return 0;
        }
        std::vector<Run> runs;
        for (int T : o.lengths)
            for (const char* kind : {"rnn", "lstm", "attention"}) runs.push_back({"adding", kind, T, 0});
        for (int gap : o.copy_gaps)
            for (const char* kind : {"rnn", "lstm", "attention"}) runs.push_back({"copy", kind, 0, gap});
        std::printf("Chapter 03 (%s kernels): %zu training runs of %d steps, batch %d; RNN and LSTM with %d hidden units,\n"
                    "self-attention of width %d with %d heads; Adam (1e-2 recurrent, 2e-3 attention), clip_grad_norm %.1f\n\n",
                    WB_FLAVOUR, runs.size(), o.steps, o.batch, o.hidden, o.width, o.heads, o.clip);
        std::fflush(stdout);  // before the progress bars, which go to stderr

        // The recurrent models are this chapter's point: a stub there stops the program. The attention model
        // runs on chapter 01: if that chapter is not done yet, its runs are skipped and the rest goes on.
        for (Run& run : runs) {
            try {
                train(run, o);
            } catch (const NotImplemented& e) {
                if (run.kind != "attention") throw;
                run.skipped = e.function() + "() of chapter 01 is still a stub";
                std::fprintf(stderr, "self-attention skipped: %s (./wb grade 01)\n", run.skipped.c_str());
            }
        }
        // A number, or "skipped" for a run that did not happen.
        auto shown = [](const Run& run, double value, const char* format) {
            if (!run.skipped.empty()) return std::string("skipped");
            char text[32];
            std::snprintf(text, sizeof text, format, value);
            return std::string(text);
        };

        std::printf("\nAdding problem: held-out MSE after %d steps (predicting the mean: 0.167; solved: < %.2f)\n", o.steps, kSolved);
        std::printf("    T |        rnn        lstm   attention | solved at step (rnn, lstm, attention)\n");
        for (std::size_t k = 0; k < runs.size(); k += 3) {
            if (runs[k].task != "adding") continue;
            auto at = [](const Run& r) {
                return !r.skipped.empty() ? std::string("skipped") : r.solved_at < 0 ? std::string("never") : std::to_string(r.solved_at);
            };
            std::printf("%5d | %11s %11s %11s | %s, %s, %s\n", runs[k].length, shown(runs[k], runs[k].final_loss, "%.4f").c_str(),
                        shown(runs[k + 1], runs[k + 1].final_loss, "%.4f").c_str(),
                        shown(runs[k + 2], runs[k + 2].final_loss, "%.4f").c_str(), at(runs[k]).c_str(), at(runs[k + 1]).c_str(),
                        at(runs[k + 2]).c_str());
        }
        std::printf("\nCopy task (%d symbols of %d): held-out recall accuracy per symbol (chance %.3f)\n", o.copy_symbols,
                    o.copy_alphabet, 1.0 / o.copy_alphabet);
        std::printf("  gap |        rnn        lstm   attention\n");
        for (std::size_t k = 0; k < runs.size(); k += 3)
            if (runs[k].task == "copy")
                std::printf("%5d | %11s %11s %11s\n", runs[k].gap, shown(runs[k], runs[k].final_accuracy, "%.3f").c_str(),
                            shown(runs[k + 1], runs[k + 1].final_accuracy, "%.3f").c_str(),
                            shown(runs[k + 2], runs[k + 2].final_accuracy, "%.3f").c_str());

        // The gradient reaching each h_t, for every trained recurrent model of the adding problem.
        nlohmann::json gradients = nlohmann::json::array();
        std::printf("\n|dL/dh_t| walked back through time on adding sequences (mean over 64 sequences):\n");
        std::printf("    T | model | trained: |dL/dh_{T-1}|   |dL/dh_{T/2}|   |dL/dh_0|   ratio h_0/h_{T-1} | at init: ratio\n");
        for (Run& run : runs) {
            if (run.task != "adding" || run.kind == "attention") continue;
            Rng rng(9);
            const std::vector<double> norms = gradient_through_time(run.model, run.length, rng);
            const int T = run.length;
            std::printf("%5d | %5s | %22.3e %15.3e %11.3e %17.3e | %14.3e\n", T, run.kind.c_str(), norms[T - 1], norms[T / 2],
                        norms[0], norms[0] / norms[T - 1], run.init_norms[0] / run.init_norms[T - 1]);
            gradients.push_back({{"length", T}, {"model", run.kind}, {"norms", norms}, {"init_norms", run.init_norms}});
        }

        std::string pictures = "";
        for (Run& run : runs)
            if (run.task == "adding" && run.kind == "attention" && run.skipped.empty()) {
                write_attention_picture(run, o.out_dir + "/attention_weights.png");
                pictures = " and attention_weights.png";
                break;
            }

        // Time per training step, measured one run at a time after training, and last of all: the timed
        // steps move the weights (by a learning rate of 1e-6).
        std::printf("\nTime per training step (batch %d, forward + backward + clip + Adam, median of %d):\n", o.batch, smoke ? 3 : 15);
        const int reps = smoke ? 3 : 15;
        for (Run& run : runs) {
            if (!run.skipped.empty()) continue;
            const double ms = run.ms_per_step = time_per_step(run, o, reps);
            std::printf("  %-6s %-9s %8.2f ms\n", run.task == "adding" ? ("T=" + std::to_string(run.length)).c_str()
                                                                         : ("gap=" + std::to_string(run.gap)).c_str(),
                        run.kind.c_str(), ms);
        }

        const nlohmann::json recall = run_recall(o, reps);

        nlohmann::json metrics{{"kernels", WB_FLAVOUR}, {"recall", recall}, {"steps", o.steps}, {"batch", o.batch}, {"hidden", o.hidden},
                               {"width", o.width}, {"heads", o.heads}, {"clip", o.clip}, {"solved_below", kSolved},
                               {"copy_symbols", o.copy_symbols}, {"copy_alphabet", o.copy_alphabet},
                               {"runs", nlohmann::json::array()}, {"gradient_norms", gradients}};
        for (const Run& run : runs)
            metrics["runs"].push_back({{"task", run.task}, {"model", run.kind}, {"length", run.length}, {"gap", run.gap},
                                       {"parameters", run.parameters}, {"learning_rate", learning_rate(run.kind)},
                                       {"curve", run.curve}, {"final_loss", run.final_loss},
                                       {"final_accuracy", run.final_accuracy},
                                       {"solved_at", run.solved_at < 0 ? nlohmann::json() : nlohmann::json(run.solved_at)},
                                       {"train_seconds", run.train_seconds}, {"ms_per_step", run.ms_per_step},
                                       {"skipped", run.skipped.empty() ? nlohmann::json() : nlohmann::json(run.skipped)}});
        std::ofstream(o.out_dir + "/metrics.json") << metrics.dump(1) << "\n";
        std::printf("\nwrote %s/metrics.json%s\n", o.out_dir.c_str(), pictures.c_str());
    } catch (const NotImplemented& e) {
        std::fprintf(stderr, "\nrun 03: %s() is still a stub. Finish that exercise first (./wb grade 03 shows which).\n",
                     e.function().c_str());
        return 3;
    }
    return 0;
}
