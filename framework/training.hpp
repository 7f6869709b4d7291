// Training loops on a Sequential: fit (shuffled mini-batches, a progress bar, validation after each
// epoch) and evaluate. The training step itself is the caller's: chapter 07's train_step, or any
// function that updates the model on one batch and returns its loss.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "framework/losses.hpp"
#include "framework/metrics.hpp"
#include "framework/model.hpp"

namespace wb {

/// step(x, y): one optimisation step on one batch (forward, loss, backward, optimizer); returns the loss.
using StepFn = std::function<double(const Tensor& x, const Tensor& y)>;

struct FitOptions {
    int epochs = 1;
    int batch_size = 32;
    bool shuffle = true;
    std::uint64_t seed = 0;     ///< shuffling order
    bool progress = true;       ///< draw a progress bar on stderr
    std::string metric_name = "acc";
    const Tensor* val_x = nullptr;  ///< optional held-out data, evaluated after each epoch
    const Tensor* val_y = nullptr;
    int curve_every = 50;  ///< batches per point of EpochRecord::loss_curve
};

/// One point of a training-loss curve: after `images` training images (counted from the first epoch),
/// the mean loss of the last FitOptions::curve_every batches.
struct CurvePoint {
    long images;
    double loss;
};

struct EpochRecord {
    double loss;         ///< mean training loss over the epoch's batches
    double val_loss;     ///< NaN without validation data
    double val_metric;   ///< NaN without validation data or metric
    double seconds;      ///< wall time of the epoch's training steps
    std::vector<CurvePoint> loss_curve;  ///< the loss as it falls during the epoch (for charts)
};

struct Evaluation {
    double loss;
    double metric;
};

/// Trains in shuffled mini-batches, calling step on each; after each epoch, with options.val_x and
/// options.val_y set, evaluates loss and metric on them. Returns one record per epoch.
/// x (N, ...), y (N, ...): the same number of samples, or ShapeError naming fit.
std::vector<EpochRecord> fit(Sequential& model, const Tensor& x, const Tensor& y, const StepFn& step,
                             const LossFn& loss, const MetricFn& metric, const FitOptions& options);

/// Mean loss and metric over (x, y), in batches, without training.
Evaluation evaluate(Sequential& model, const Tensor& x, const Tensor& y, const LossFn& loss, const MetricFn& metric,
                    int batch_size = 256);

}  // namespace wb
