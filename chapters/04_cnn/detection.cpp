// Exercises IoU and NMS. Contracts: detection.hpp. Grade: ./wb grade 04
#include "chapters/04_cnn/detection.hpp"

namespace wb {

Tensor box_iou(const Tensor& a, const Tensor& b) {
    // TODO: out[i, j] = intersection / (area_i + area_j - intersection), boxes (x1, y1, x2, y2);
    //       intersection width = max(0, min(x2) - max(x1)), height likewise.
    //       Check a is (N, 4) and b is (M, 4) (ShapeError naming "box_iou").
    // Worked example: (0, 0, 2, 2) and (1, 1, 3, 3) overlap in 1 of 4 + 4 - 1 = 7: IoU 1/7.
    throw NotImplemented("box_iou");
}

std::vector<int> nms(const Tensor& boxes, const Tensor& scores, float iou_threshold) {
    // TODO: order the indices by descending score (std::stable_sort keeps ties in index order);
    //       walk that order: keep a box unless it was suppressed, and suppress every later box whose
    //       IoU with the kept one is > iou_threshold. Return the kept indices in the order kept.
    throw NotImplemented("nms");
}

}  // namespace wb
