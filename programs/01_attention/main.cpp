// ./wb run 01: why attention divides by sqrt(D), measured with your own kernels.
//
// For D = 16 .. 512: draw q, k with independent N(0, 1) entries, measure the variance of the raw
// score q.k and of q.k / sqrt(D), then how peaked the softmax over S = 64 keys becomes
// (the mean largest weight and the mean entropy; uniform weights have entropy ln 64 = 4.16) and
// how much gradient still flows through it (mean |dZ| for a random upstream gradient).
// Then a causal self-attention example is drawn as a heatmap PNG.
// Writes build/out/01/: metrics.json, attention_weights.png, scale_saturation.png.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "chapters/01_attention/attention.hpp"
#include "chapters/01_attention/positional.hpp"
#include "chapters/01_attention/scores.hpp"
#include "chapters/01_attention/softmax.hpp"
#include "framework/png.hpp"
#include "framework/random.hpp"
#include "programs/01_attention/options.hpp"
#include "programs/cli.hpp"

using namespace wb;

struct Row {
    int d;
    double var_raw, var_scaled, max_raw, max_scaled, entropy_raw, entropy_scaled, grad_raw, grad_scaled;
};

// Mean over rows of: the largest weight, the entropy, and the mean |dZ| = |P (g - sum g P)| for upstream g.
static void softmax_stats(const Tensor& p, const Tensor& upstream, double& max_w, double& entropy, double& grad) {
    const int rows = p.dim(0) * p.dim(1), S = p.dim(2);
    max_w = entropy = grad = 0.0;
    for (int r = 0; r < rows; ++r) {
        const float* w = p.data() + static_cast<std::size_t>(r) * S;
        const float* g = upstream.data() + static_cast<std::size_t>(r) * S;
        double m = 0.0, h = 0.0, dot = 0.0;
        for (int s = 0; s < S; ++s) {
            m = std::max(m, static_cast<double>(w[s]));
            if (w[s] > 0) h -= w[s] * std::log(static_cast<double>(w[s]));
            dot += static_cast<double>(w[s]) * g[s];
        }
        double dz = 0.0;
        for (int s = 0; s < S; ++s) dz += std::abs(w[s] * (g[s] - dot));
        max_w += m;
        entropy += h;
        grad += dz / S;
    }
    max_w /= rows, entropy /= rows, grad /= rows;
}

static double variance(const Tensor& t) {
    double mean = 0.0, sq = 0.0;
    for (float x : t) mean += x;
    mean /= static_cast<double>(t.size());
    for (float x : t) sq += (x - mean) * (x - mean);
    return sq / static_cast<double>(t.size());
}

static int experiment(const std::string& out_dir) {
    std::filesystem::create_directories(out_dir);
    std::printf("Chapter 01: why divide by sqrt(D)?  (kernels: %s)\n\n", WB_FLAVOUR);
    std::printf("q, k ~ N(0, 1) entries; 256 queries x 64 keys per D. Uniform weights: max 0.016, entropy 4.16.\n\n");
    std::printf("    D | var(q.k) var(q.k/sqrtD) | max weight raw  scaled | entropy raw  scaled | mean |dZ| raw    scaled\n");
    std::printf("------+-------------------------+------------------------+---------------------+-----------------------\n");
    Rng rng(2017);
    std::vector<Row> rows;
    for (int d = 16; d <= 512; d *= 2) {
        const Tensor q = Tensor::randn({4, 64, d}, rng), k = Tensor::randn({4, 64, d}, rng);
        const Tensor raw = dot_scores(q, k), scaled = scaled_dot_scores(q, k);
        const Tensor upstream = Tensor::randn(raw.shape(), rng);
        Row r{d, variance(raw), variance(scaled), 0, 0, 0, 0, 0, 0};
        softmax_stats(softmax(raw), upstream, r.max_raw, r.entropy_raw, r.grad_raw);
        softmax_stats(softmax(scaled), upstream, r.max_scaled, r.entropy_scaled, r.grad_scaled);
        rows.push_back(r);
        std::printf("%5d | %8.1f %14.3f | %14.3f %7.3f | %11.3f %7.3f | %13.2e %9.2e\n", d, r.var_raw, r.var_scaled,
                    r.max_raw, r.max_scaled, r.entropy_raw, r.entropy_scaled, r.grad_raw, r.grad_scaled);
    }
    const Row& first = rows.front();
    const Row& last = rows.back();
    std::printf("\nThe raw variance grows like D (%.0f at D = %d, %.0f at D = %d), so the softmax saturates: at D = %d\n"
                "the largest of 64 weights averages %.2f raw vs %.2f scaled, and the gradient through the softmax\n"
                "is %.1fx smaller than with the scale (%.1fx at D = %d). Dividing by sqrt(D) keeps the variance near 1.\n",
                first.var_raw, first.d, last.var_raw, last.d, last.d, last.max_raw, last.max_scaled,
                last.grad_scaled / last.grad_raw, first.grad_scaled / first.grad_raw, first.d);

    // Heatmap of the saturation: rows = D, columns = the 64 sorted weights of one query, raw vs scaled.
    {
        Tensor grid({2 * static_cast<int>(rows.size()), 64});
        Rng local(7);
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const int d = rows[i].d;
            const Tensor q = Tensor::randn({1, 1, d}, local), k = Tensor::randn({1, 64, d}, local);
            const Tensor pr = softmax(dot_scores(q, k)), ps = softmax(scaled_dot_scores(q, k));
            std::vector<float> a(pr.begin(), pr.end()), b(ps.begin(), ps.end());
            std::sort(a.rbegin(), a.rend());
            std::sort(b.rbegin(), b.rend());
            for (int s = 0; s < 64; ++s) {
                grid(static_cast<int>(i), s) = a[static_cast<std::size_t>(s)];
                grid(static_cast<int>(rows.size() + i), s) = b[static_cast<std::size_t>(s)];
            }
        }
        HeatmapLabels labels;
        labels.title = "Softmax weights of one query over 64 keys, sorted (colour: 0 to 0.5)";
        for (const char* half : {"raw", "scaled"})
            for (const Row& r : rows) labels.rows.push_back(std::string(half) + ", D = " + std::to_string(r.d));
        labels.text_scale = 1;
        write_png(out_dir + "/scale_saturation.png", labelled_heatmap(grid, labels, 10, 0.0f, 0.5f));
    }

    // A causal self-attention example: 12 positions, embeddings = positional encoding + noise.
    const int T = 12, D = 16;
    Tensor x = sinusoidal_positions(T, D);
    x.reshape({1, T, D});
    for (float& v : x) v += 0.3f * rng.normal();
    const AttentionResult att = attention_forward(x, x, x, causal_mask(T, T));
    {
        const Tensor weights = att.cache.weights.reshaped({T, T});
        HeatmapLabels labels;
        labels.title = "Causal self-attention weights (rows: query position, columns: key position)";
        for (int t = 0; t < T; ++t) labels.rows.push_back(std::to_string(t));
        labels.cols = labels.rows;
        for (const float w : weights) labels.cells.push_back(w == 0.0f ? "" : std::to_string(static_cast<int>(std::lround(100 * w))));
        write_png(out_dir + "/attention_weights.png", labelled_heatmap(weights, labels, 40, 0.0f, 1.0f));
    }

    nlohmann::json metrics{{"flavour", WB_FLAVOUR}, {"keys", 64}, {"rows", nlohmann::json::array()}};
    for (const Row& r : rows)
        metrics["rows"].push_back({{"d", r.d}, {"var_raw", r.var_raw}, {"var_scaled", r.var_scaled},
                                   {"max_weight_raw", r.max_raw}, {"max_weight_scaled", r.max_scaled},
                                   {"entropy_raw", r.entropy_raw}, {"entropy_scaled", r.entropy_scaled},
                                   {"grad_raw", r.grad_raw}, {"grad_scaled", r.grad_scaled}});
    std::ofstream(out_dir + "/metrics.json") << metrics.dump(2) << "\n";
    std::printf("\nWrote %s/metrics.json, %s/scale_saturation.png (top half raw, bottom half scaled; rows D = 16..512,\n"
                "columns the 64 weights of one query sorted) and %s/attention_weights.png (causal, 12 positions,\n"
                "weights in percent).\n",
                out_dir.c_str(), out_dir.c_str(), out_dir.c_str());
    return 0;
}

int main(int argc, char** argv) {
    CLI::App app{"", "run_01"};
    run01::Options o;
    run01::define_options(app, o);
    CLI11_PARSE(app, argc, argv);
    try {
        return experiment(o.out_dir);
    } catch (const NotImplemented& e) {
        std::fprintf(stderr, "\nrun 01: %s() is still a stub. Finish that exercise first (./wb grade 01 shows which).\n",
                     e.function().c_str());
        return 3;
    }
}
