// Reference: box IoU and greedy non-maximum suppression.
#include "chapters/04_cnn/detection.hpp"

#include <algorithm>
#include <numeric>

namespace wb {

static float area(const float* box) { return (box[2] - box[0]) * (box[3] - box[1]); }

// |A ∩ B| / (|A| + |B| - |A ∩ B|), with each side of the intersection clamped at 0
static float iou(const float* a, const float* b) {
    const float w = std::max(0.0f, std::min(a[2], b[2]) - std::max(a[0], b[0]));
    const float h = std::max(0.0f, std::min(a[3], b[3]) - std::max(a[1], b[1]));
    const float inter = w * h;
    const float uni = area(a) + area(b) - inter;
    return uni > 0.0f ? inter / uni : 0.0f;
}

Tensor box_iou(const Tensor& a, const Tensor& b) {
    require_shape("box_iou", "a", a, {-1, 4});
    require_shape("box_iou", "b", b, {-1, 4});
    const int N = a.dim(0), M = b.dim(0);
    Tensor out({N, M});
    for (int i = 0; i < N; ++i)
        for (int j = 0; j < M; ++j) out(i, j) = iou(a.data() + 4 * i, b.data() + 4 * j);
    return out;
}

std::vector<int> nms(const Tensor& boxes, const Tensor& scores, float iou_threshold) {
    require_shape("nms", "boxes", boxes, {-1, 4});
    if (scores.shape() != Shape{boxes.dim(0)}) shape_mismatch("nms", "boxes", boxes, "scores", scores, "scores must be (N)");
    const int N = boxes.dim(0);
    // visit boxes by descending score; equal scores keep their index order
    std::vector<int> order(static_cast<std::size_t>(N));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int i, int j) { return scores(i) > scores(j); });
    std::vector<bool> suppressed(static_cast<std::size_t>(N), false);
    std::vector<int> keep;
    for (int i : order) {
        if (suppressed[static_cast<std::size_t>(i)]) continue;
        keep.push_back(i);  // the best box left: keep it, and drop everything that overlaps it too much
        for (int j : order)
            if (!suppressed[static_cast<std::size_t>(j)] && j != i &&
                iou(boxes.data() + 4 * i, boxes.data() + 4 * j) > iou_threshold)
                suppressed[static_cast<std::size_t>(j)] = true;
    }
    return keep;
}

}  // namespace wb
