// The command line of ./wb run 10, shared by the program and by programs/flags.cpp, which checks a command
// line before anything is built.
#pragma once
#include <string>

#include <CLI/CLI.hpp>

#include "programs/cli.hpp"

namespace wb::run10 {

struct Options {
    std::string out_dir = "build/out/10";
    std::string objective = "flow";
    int epochs = 16;
    int steps = 300;          // training steps per epoch
    int batch = 64;
    int channels = 16;        // the U-Net's width at full resolution
    int sample_steps = 20;    // DDIM steps (eps) or Euler steps (flow)
    float guidance = 3.0f;    // classifier-free guidance scale s (1: the plain conditional model)
    int seed = 0;             // 0: the published run (seed 1)
    int samples = 1000;       // images generated for the score, a tenth per class
    std::string classifier;   // the chapter 07 classifier's weights that score the samples (./wb run 10 passes them)
    float label_drop = 0.5f;  // the share of training labels replaced by "no label" (classifier-free guidance)
    float ema = 0.995f;       // beta of the weight average that samples come from (0: the live weights)
    bool sweep = false;       // also score every sampler at several step counts (the quality-versus-steps chart)
    int sweep_samples = 200;  // images per point of the sweep (a multiple of 10)
    bool smoke = false;
};

inline void define_options(CLI::App& app, Options& o) {
    app.description("Trains chapter 10's class-conditional denoising U-Net on Fashion-MNIST with your kernels, then "
                    "samples with DDIM or flow matching and classifier-free guidance");
    app.add_option("out_dir", o.out_dir, "output folder");
    app.add_option("--objective", o.objective, "eps: DDPM's noise prediction, sampled with DDIM; flow: flow matching's "
                                               "velocity, sampled with Euler steps")
        ->check(CLI::IsMember({"eps", "flow"}));
    app.add_option("--epochs", o.epochs, "epochs of --steps training steps each")->check(wb::cli::kPositive);
    app.add_option("--steps", o.steps, "training steps per epoch")->check(wb::cli::kPositive);
    app.add_option("--batch", o.batch, "images per training step")->check(wb::cli::kPositive);
    app.add_option("--channels", o.channels, "the U-Net's width at full resolution (even)")->check(wb::cli::kPositive);
    app.add_option("--sample-steps", o.sample_steps, "sampling steps")->check(wb::cli::kPositive);
    app.add_option("--guidance", o.guidance, "classifier-free guidance scale (1: none, 0: unconditional)")
        ->check(wb::cli::kNonNegative);
    app.add_option("--seed", o.seed, "seed of the initialisation, the batches and the noise (0: the published run's 1)")
        ->check(wb::cli::kNonNegative);
    app.add_option("--samples", o.samples, "images generated for the score (a multiple of 10)")->check(wb::cli::kPositive);
    app.add_option("--classifier", o.classifier, "the chapter 07 classifier's weights.wbt that scores the samples "
                                                 "(./wb run 10 trains and passes one)");
    app.add_option("--label-drop", o.label_drop, "share of training labels dropped to the null label")
        ->check(CLI::Range(0.0f, 1.0f));
    app.add_option("--ema", o.ema, "beta of the weight average that samples come from (0: the live weights)")
        ->check(CLI::Range(0.0f, 0.99999f));
    app.add_flag("--sweep", o.sweep, "also score the samplers at several step counts: DDPM at all 1000 steps and DDIM at "
                                     "50, 20, 10, 4 (eps); Euler at 50, 20, 10, 4 (flow); about 7 minutes for eps, 30 s for flow");
    app.add_option("--sweep-samples", o.sweep_samples, "images per point of --sweep (a multiple of 10)")
        ->check(wb::cli::kPositive);
    app.add_flag("--smoke", o.smoke, "a quick run: 2 epochs of 3 steps of a width-4 U-Net, 4 sampling steps, 20 samples; --sweep on 10 "
                                     "samples at 2 steps");
    wb::cli::one_line_errors(app, "run 10");
}

}  // namespace wb::run10
