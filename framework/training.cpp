#include "framework/training.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

#include "framework/progress.hpp"
#include "framework/random.hpp"

namespace wb {

std::vector<EpochRecord> fit(Sequential& model, const Tensor& x, const Tensor& y, const StepFn& step, const LossFn& loss,
                             const MetricFn& metric, const FitOptions& o) {
    if (x.rank() < 1 || y.rank() < 1 || x.dim(0) != y.dim(0))
        shape_mismatch("fit", "x", x, "y", y, "they need the same number of samples (dim 0)");
    if (o.batch_size <= 0) throw ShapeError("fit: batch_size must be positive");
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
        double loss_sum = 0.0, window_sum = 0.0;
        long seen = 0, window_images = 0;
        std::vector<CurvePoint> curve;
        char text[96];
        for (long s = 0; s < steps; ++s) {
            const int begin = static_cast<int>(s * o.batch_size);
            const int end = std::min(n, begin + o.batch_size);
            const std::vector<int> idx(order.begin() + begin, order.begin() + end);
            const Tensor bx = take_rows(x, idx), by = take_rows(y, idx);
            const double batch_loss = step(bx, by) * (end - begin);
            loss_sum += batch_loss;
            seen += end - begin;
            window_sum += batch_loss;
            window_images += end - begin;
            if ((s + 1) % std::max(1, o.curve_every) == 0 || s + 1 == steps) {
                curve.push_back({static_cast<long>(epoch) * n + seen, window_sum / window_images});
                window_sum = 0.0;
                window_images = 0;
            }
            std::snprintf(text, sizeof text, "loss %.4f", loss_sum / seen);
            bar.update(s + 1, text);
        }
        EpochRecord rec{loss_sum / seen, nan, nan, bar.elapsed_seconds(), std::move(curve)};
        std::string shown = text;
        if (o.val_x && o.val_y) {
            const Evaluation e = evaluate(model, *o.val_x, *o.val_y, loss, metric);
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

Evaluation evaluate(Sequential& model, const Tensor& x, const Tensor& y, const LossFn& loss, const MetricFn& metric,
                    int batch_size) {
    if (x.rank() < 1 || y.rank() < 1 || x.dim(0) != y.dim(0))
        shape_mismatch("evaluate", "x", x, "y", y, "they need the same number of samples (dim 0)");
    const int n = x.dim(0);
    double loss_sum = 0.0, metric_sum = 0.0;
    for (int begin = 0; begin < n; begin += batch_size) {
        const int end = std::min(n, begin + batch_size);
        std::vector<int> idx(static_cast<std::size_t>(end - begin));
        std::iota(idx.begin(), idx.end(), begin);
        const Tensor by = take_rows(y, idx);
        const Tensor pred = model.forward(take_rows(x, idx));
        loss_sum += loss(pred, by).loss * (end - begin);
        if (metric) metric_sum += metric(pred, by) * (end - begin);
    }
    return {loss_sum / n, metric ? metric_sum / n : std::numeric_limits<double>::quiet_NaN()};
}

}  // namespace wb
