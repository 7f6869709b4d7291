// Reference: pixel accuracy, per-class IoU and mean IoU.
#include "chapters/04_cnn/segmentation.hpp"

#include <cmath>
#include <limits>

namespace wb {

SegmentationScores segmentation_scores(const Tensor& pred, const Tensor& target, int num_classes) {
    if (pred.shape() != target.shape())
        shape_mismatch("segmentation_scores", "pred", pred, "target", target, "they must have the same shape");
    if (num_classes <= 0) throw ShapeError("segmentation_scores: num_classes must be positive");
    // per class: pixels in both (intersection), predicted, and true
    std::vector<long> both(static_cast<std::size_t>(num_classes)), predicted(both.size()), truth(both.size());
    long correct = 0;
    for (std::size_t i = 0; i < pred.size(); ++i) {
        const int p = static_cast<int>(pred[i]), t = static_cast<int>(target[i]);
        if (p < 0 || p >= num_classes || t < 0 || t >= num_classes || p != pred[i] || t != target[i])
            throw ShapeError("segmentation_scores: label " + std::to_string(p != pred[i] ? pred[i] : target[i]) +
                             " at pixel " + std::to_string(i) + " is not a class in [0, " + std::to_string(num_classes) + ")");
        ++predicted[static_cast<std::size_t>(p)];
        ++truth[static_cast<std::size_t>(t)];
        if (p == t) {
            ++both[static_cast<std::size_t>(p)];
            ++correct;
        }
    }
    SegmentationScores s{pred.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(pred.size()), {}, 0.0};
    int present = 0;
    for (int c = 0; c < num_classes; ++c) {
        // IoU = |both| / |union|, |union| = |pred| + |true| - |both|; 0/0 (absent class) is undefined
        const long uni = predicted[static_cast<std::size_t>(c)] + truth[static_cast<std::size_t>(c)] - both[static_cast<std::size_t>(c)];
        if (uni == 0) {
            s.class_iou.push_back(std::numeric_limits<double>::quiet_NaN());
            continue;
        }
        s.class_iou.push_back(static_cast<double>(both[static_cast<std::size_t>(c)]) / static_cast<double>(uni));
        s.mean_iou += s.class_iou.back();
        ++present;
    }
    s.mean_iou = present > 0 ? s.mean_iou / present : std::numeric_limits<double>::quiet_NaN();
    return s;
}

}  // namespace wb
