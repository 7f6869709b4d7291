// Sequential: a stack of layers with Keras-style fit / evaluate.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "framework/layers.hpp"
#include "framework/losses.hpp"
#include "framework/optim.hpp"

namespace wb {

/// loss(pred, target) -> value and dL/dpred; e.g. wb::softmax_cross_entropy_loss.
using LossFn = std::function<LossResult(const Tensor& pred, const Tensor& target)>;
/// metric(pred, target) -> a number for the batch, averaged over samples; e.g. accuracy.
using MetricFn = std::function<double(const Tensor& pred, const Tensor& target)>;

/// Fraction of rows whose argmax equals the label. pred: (N, C); labels: (N) as floats.
double argmax_accuracy(const Tensor& pred, const Tensor& labels);
/// Fraction of predictions on the right side of `threshold`. pred, target: same shape; target in {0, 1}.
/// Use threshold 0 for logits, 0.5 for probabilities.
double binary_accuracy(const Tensor& pred, const Tensor& target, float threshold);

/// The rows `indices` of x along dim 0, in that order: (N, ...) -> (indices.size(), ...).
Tensor take_rows(const Tensor& x, const std::vector<int>& indices);

struct FitOptions {
    int epochs = 1;
    int batch_size = 32;
    bool shuffle = true;
    std::uint64_t seed = 0;     ///< shuffling order
    bool progress = true;       ///< draw a progress bar on stderr
    std::string metric_name = "acc";
    const Tensor* val_x = nullptr;  ///< optional held-out data, evaluated after each epoch
    const Tensor* val_y = nullptr;
    /// Replaces the built-in training step (forward, loss, backward, optimizer step) for each batch;
    /// returns the batch loss. The training metric is then not computed (NaN).
    std::function<double(const Tensor& x, const Tensor& y)> step;
};

struct EpochRecord {
    double loss;         ///< mean training loss over the epoch's batches
    double metric;       ///< mean training metric (NaN without a metric)
    double val_loss;     ///< NaN without validation data
    double val_metric;   ///< NaN without validation data or metric
    double seconds;      ///< wall time of the epoch's training steps
};

struct Evaluation {
    double loss;
    double metric;
};

class Sequential {
public:
    /// Appends a layer and returns a reference to it, e.g. auto& fc = model.add<Dense>(4, 2, rng);
    template <class L, class... Args>
    L& add(Args&&... args) {
        auto layer = std::make_unique<L>(std::forward<Args>(args)...);
        L& ref = *layer;
        add_layer(std::move(layer));
        return ref;
    }
    void add_layer(std::unique_ptr<Layer> layer) {
        layer->needs_input_grad = !layers_.empty();
        layers_.push_back(std::move(layer));
    }

    Tensor forward(const Tensor& x);
    /// Back-propagates dL/d(output) through every layer; returns dL/d(input).
    Tensor backward(const Tensor& dout);
    std::vector<Param> params();
    std::size_t parameter_count();
    std::size_t size() const { return layers_.size(); }
    /// Replaces layers [first, first + count) by one layer (e.g. a fused block); keeps its needs_input_grad.
    void replace_layers(std::size_t first, std::size_t count, std::unique_ptr<Layer> layer);
    Layer& layer(std::size_t i) { return *layers_.at(i); }

    /// A Keras-like table: layer, output shape, parameter count, for an input of shape `input`.
    std::string summary(const Shape& input);

    /// One optimisation step on one batch: forward, loss, backward, optimizer step. Returns the loss.
    double train_step(const Tensor& x, const Tensor& y, const LossFn& loss, Optimizer& opt);

    /// Trains on (x, y) in shuffled mini-batches; returns one record per epoch.
    std::vector<EpochRecord> fit(const Tensor& x, const Tensor& y, const LossFn& loss, Optimizer& opt,
                                 const MetricFn& metric, const FitOptions& options);

    /// Mean loss and metric over (x, y), in batches, without training.
    Evaluation evaluate(const Tensor& x, const Tensor& y, const LossFn& loss, const MetricFn& metric,
                        int batch_size = 256);

private:
    std::vector<std::unique_ptr<Layer>> layers_;
};

}  // namespace wb
