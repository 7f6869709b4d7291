// The command line of ./wb run 11, shared by the program and by programs/flags.cpp, which checks a command
// line before anything is built.
#pragma once
#include <string>

#include <CLI/CLI.hpp>

#include "programs/cli.hpp"

namespace wb::run11 {

struct Options {
    std::string out_dir = "build/out/11";
    std::string corpus = "en";
    int vocab = 512;            // the tokenizer's vocabulary: 256 bytes, the merges and <|endoftext|>; 257: bytes only
    int epochs = 4;
    int steps = 150;            // optimizer steps per epoch
    int batch = 16;             // windows per optimizer step
    int context = 128;          // tokens per window
    int accumulate = 1;         // micro-batches per optimizer step
    std::string optimizer = "adamw";
    double lr = 2e-3;           // the peak learning rate
    double weight_decay = 0.1;  // on matrices (embedding, projections, head), not on norm gains
    int warmup = 100;           // warmup steps (0: none)
    double clip = 1.0;          // the global gradient norm's ceiling (0: no clipping)
    std::string precision = "fp32";
    int checkpoint = 0;         // blocks per checkpointed segment (0: no activation checkpointing)
    int seed = 0;               // 0: the published run (seed 1)
    bool smoke = false;
};

inline void define_options(CLI::App& app, Options& o) {
    app.description("Trains your byte-level BPE tokenizer on a Debian text corpus, then chapter 09's GPT on its tokens "
                    "with your AdamW, learning-rate schedule, loss, accumulation and mixed-precision rounding");
    app.add_option("out_dir", o.out_dir, "output folder");
    app.add_option("--corpus", o.corpus, "en: the English fortunes (fortunes); zh: Tang and Song poems (fortunes-zh)")
        ->check(CLI::IsMember({"en", "zh"}));
    app.add_option("--vocab", o.vocab, "tokenizer vocabulary: 256 bytes + merges + <|endoftext|> (257: bytes only)")
        ->check(CLI::Range(257, 8192));
    app.add_option("--epochs", o.epochs, "epochs of --steps optimizer steps each")->check(wb::cli::kPositive);
    app.add_option("--steps", o.steps, "optimizer steps per epoch")->check(wb::cli::kPositive);
    app.add_option("--batch", o.batch, "windows per optimizer step")->check(wb::cli::kPositive);
    app.add_option("--context", o.context, "tokens per training window")->check(wb::cli::kPositive);
    app.add_option("--accumulate", o.accumulate, "split each step's windows into this many micro-batches (gradient accumulation; the last one smaller when it does not divide --batch)")
        ->check(wb::cli::kPositive);
    app.add_option("--optimizer", o.optimizer, "adamw: decoupled weight decay; adam-l2: the decay as an L2 penalty")
        ->check(CLI::IsMember({"adamw", "adam-l2"}));
    app.add_option("--lr", o.lr, "peak learning rate")->check(CLI::PositiveNumber);
    app.add_option("--weight-decay", o.weight_decay, "lambda, on matrices only")->check(CLI::NonNegativeNumber);
    app.add_option("--warmup", o.warmup, "linear warmup steps, then cosine decay to a tenth of the peak (0: no warmup)")
        ->check(wb::cli::kNonNegative);
    app.add_option("--clip", o.clip, "clip the global gradient norm to this (0: no clipping)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--precision", o.precision, "fp32, or bf16: weights and gradients rounded to bfloat16 around "
                                               "float32 master weights (activations stay float32)")
        ->check(CLI::IsMember({"fp32", "bf16"}));
    app.add_option("--checkpoint", o.checkpoint, "activation checkpointing: blocks per segment (0: off)")
        ->check(wb::cli::kNonNegative);
    app.add_option("--seed", o.seed, "seed of the initialisation and the batches (0: the published run's 1)")
        ->check(wb::cli::kNonNegative);
    app.add_flag("--smoke", o.smoke, "a quick run: a small vocabulary on part of the corpus, 2 epochs of 4 steps of a narrower model");
    wb::cli::one_line_errors(app, "run 11");
}

}  // namespace wb::run11
