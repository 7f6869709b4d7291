#include "framework/model.hpp"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numeric>

#include "framework/progress.hpp"
#include "framework/random.hpp"

namespace wb {

double argmax_accuracy(const Tensor& pred, const Tensor& labels) {
    require_rank("argmax_accuracy", "pred", pred, 2);
    const int n = pred.dim(0), c = pred.dim(1);
    if (labels.shape() != Shape{n})
        shape_mismatch("argmax_accuracy", "pred", pred, "labels", labels, "labels must be (N)");
    int correct = 0;
    for (int i = 0; i < n; ++i) {
        const float* row = pred.data() + static_cast<std::size_t>(i) * c;
        const int guess = static_cast<int>(std::max_element(row, row + c) - row);
        correct += guess == static_cast<int>(labels[static_cast<std::size_t>(i)]);
    }
    return n == 0 ? 0.0 : static_cast<double>(correct) / n;
}

double binary_accuracy(const Tensor& pred, const Tensor& target, float threshold) {
    if (pred.shape() != target.shape())
        shape_mismatch("binary_accuracy", "pred", pred, "target", target, "they must have the same shape");
    std::size_t correct = 0;
    for (std::size_t i = 0; i < pred.size(); ++i)
        correct += (pred[i] > threshold) == (target[i] > 0.5f);
    return pred.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(pred.size());
}

Tensor take_rows(const Tensor& x, const std::vector<int>& indices) {
    if (x.rank() < 1) throw ShapeError("take_rows: x has shape " + to_string(x.shape()) + ", needs rank >= 1");
    Shape shape = x.shape();
    const std::size_t row = shape[0] == 0 ? 0 : x.size() / static_cast<std::size_t>(shape[0]);
    shape[0] = static_cast<int>(indices.size());
    Tensor out(shape);
    for (std::size_t i = 0; i < indices.size(); ++i) {
        if (indices[i] < 0 || indices[i] >= x.dim(0))
            throw ShapeError("take_rows: index " + std::to_string(indices[i]) + " outside x " +
                             to_string(x.shape()));
        std::memcpy(out.data() + i * row, x.data() + static_cast<std::size_t>(indices[i]) * row,
                    row * sizeof(float));
    }
    return out;
}

Tensor Sequential::forward(const Tensor& x) {
    if (layers_.empty()) return x;
    // each activation is moved on to the next layer, which may keep or reshape it without a copy
    Tensor h = layers_.front()->forward(x);
    for (std::size_t i = 1; i < layers_.size(); ++i) h = layers_[i]->forward(std::move(h));
    return h;
}

Tensor Sequential::backward(const Tensor& dout) {
    if (layers_.empty()) return dout;
    Tensor g = layers_.back()->backward(dout);
    for (auto it = layers_.rbegin() + 1; it != layers_.rend(); ++it) g = (*it)->backward(std::move(g));
    return g;
}

void Sequential::replace_layers(std::size_t first, std::size_t count, std::unique_ptr<Layer> layer) {
    if (count == 0 || first + count > layers_.size())
        throw ShapeError("Sequential::replace_layers: layers [" + std::to_string(first) + ", " +
                         std::to_string(first + count) + ") do not exist in a model of " + std::to_string(layers_.size()));
    layer->needs_input_grad = first > 0;
    layers_.erase(layers_.begin() + static_cast<long>(first), layers_.begin() + static_cast<long>(first + count));
    layers_.insert(layers_.begin() + static_cast<long>(first), std::move(layer));
}

std::vector<Param> Sequential::params() {
    std::vector<Param> all;
    for (std::size_t i = 0; i < layers_.size(); ++i)
        for (Param p : layers_[i]->params()) {
            p.name = std::to_string(i) + "." + p.name;
            all.push_back(p);
        }
    return all;
}

std::size_t Sequential::parameter_count() {
    std::size_t n = 0;
    for (const Param& p : params()) n += p.value->size();
    return n;
}

std::string Sequential::summary(const Shape& input) {
    std::string s = "layer            output shape          params\n";
    Shape shape = input;
    char line[128];
    for (auto& layer : layers_) {
        shape = layer->output_shape(shape);
        std::size_t n = 0;
        for (const Param& p : layer->params()) n += p.value->size();
        std::snprintf(line, sizeof line, "%-16s %-21s %zu\n", layer->name().c_str(), to_string(shape).c_str(), n);
        s += line;
    }
    std::snprintf(line, sizeof line, "total parameters: %zu\n", parameter_count());
    return s + line;
}

double Sequential::train_step(const Tensor& x, const Tensor& y, const LossFn& loss, Optimizer& opt) {
    const Tensor pred = forward(x);
    LossResult r = loss(pred, y);
    backward(r.grad);
    opt.step(params());
    return r.loss;
}

std::vector<EpochRecord> Sequential::fit(const Tensor& x, const Tensor& y, const LossFn& loss, Optimizer& opt,
                                         const MetricFn& metric, const FitOptions& o) {
    if (x.rank() < 1 || y.rank() < 1 || x.dim(0) != y.dim(0))
        shape_mismatch("Sequential::fit", "x", x, "y", y, "they need the same number of samples (dim 0)");
    if (o.batch_size <= 0) throw ShapeError("Sequential::fit: batch_size must be positive");
    // Training allocates and frees the same large activations every step. By default glibc serves
    // blocks over 128 KiB with fresh mmap pages and returns them on free, so every step page-faults
    // its activations in again; keeping them on the heap made the chapter 07 epoch 13% faster.
    static const bool heap_tuned = [] {
        mallopt(M_MMAP_THRESHOLD, 256 << 20);
        mallopt(M_TRIM_THRESHOLD, 1 << 30);
        return true;
    }();
    (void)heap_tuned;
    const int n = x.dim(0);
    const long steps = (n + o.batch_size - 1) / o.batch_size;
    std::vector<int> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    Rng rng(o.seed);
    std::vector<EpochRecord> history;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (int epoch = 0; epoch < o.epochs; ++epoch) {
        if (o.shuffle)  // Fisher-Yates with our own generator, so the order is the same everywhere
            for (int i = n - 1; i > 0; --i) std::swap(order[i], order[rng.below(static_cast<std::uint64_t>(i) + 1)]);
        ProgressBar bar("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(o.epochs), steps, o.progress);
        double loss_sum = 0.0, metric_sum = 0.0;
        long seen = 0;
        char text[96];
        for (long s = 0; s < steps; ++s) {
            const int begin = static_cast<int>(s * o.batch_size);
            const int end = std::min(n, begin + o.batch_size);
            const std::vector<int> idx(order.begin() + begin, order.begin() + end);
            const Tensor bx = take_rows(x, idx), by = take_rows(y, idx);
            double batch_loss = 0.0, m = nan;
            if (o.step) {
                batch_loss = o.step(bx, by);
            } else {
                const Tensor pred = forward(bx);
                LossResult r = loss(pred, by);
                if (metric) m = metric(pred, by);
                backward(r.grad);
                opt.step(params());
                batch_loss = r.loss;
            }
            loss_sum += batch_loss * (end - begin);
            metric_sum += m * (end - begin);
            seen += end - begin;
            if (std::isnan(m)) std::snprintf(text, sizeof text, "loss %.4f", loss_sum / seen);
            else std::snprintf(text, sizeof text, "loss %.4f %s %.3f", loss_sum / seen, o.metric_name.c_str(), metric_sum / seen);
            bar.update(s + 1, text);
        }
        EpochRecord rec{loss_sum / seen, metric && !o.step ? metric_sum / seen : nan, nan, nan, bar.elapsed_seconds()};
        std::string shown = text;
        if (o.val_x && o.val_y) {
            const Evaluation e = evaluate(*o.val_x, *o.val_y, loss, metric);
            rec.val_loss = e.loss;
            rec.val_metric = e.metric;
            std::snprintf(text, sizeof text, " val_loss %.4f val_%s %.4f", e.loss, o.metric_name.c_str(), e.metric);
            shown += text;
        }
        bar.finish(shown);
        history.push_back(rec);
    }
    return history;
}

Evaluation Sequential::evaluate(const Tensor& x, const Tensor& y, const LossFn& loss, const MetricFn& metric,
                                int batch_size) {
    if (x.rank() < 1 || y.rank() < 1 || x.dim(0) != y.dim(0))
        shape_mismatch("Sequential::evaluate", "x", x, "y", y, "they need the same number of samples (dim 0)");
    const int n = x.dim(0);
    double loss_sum = 0.0, metric_sum = 0.0;
    for (int begin = 0; begin < n; begin += batch_size) {
        const int end = std::min(n, begin + batch_size);
        std::vector<int> idx(static_cast<std::size_t>(end - begin));
        std::iota(idx.begin(), idx.end(), begin);
        const Tensor by = take_rows(y, idx);
        const Tensor pred = forward(take_rows(x, idx));
        loss_sum += loss(pred, by).loss * (end - begin);
        if (metric) metric_sum += metric(pred, by) * (end - begin);
    }
    return {loss_sum / n, metric ? metric_sum / n : std::numeric_limits<double>::quiet_NaN()};
}

}  // namespace wb
