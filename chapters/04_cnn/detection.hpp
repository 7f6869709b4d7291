/// @file detection.hpp
/// Exercises **IoU** and **NMS**: the two functions at the end of every object detector.
///
/// Boxes are (x1, y1, x2, y2) with x1 <= x2, y1 <= y2, in pixels, as torchvision.ops uses them.
#pragma once
#include <vector>

#include "framework/tensor.hpp"

namespace wb {

/// Intersection over union of every pair of boxes:
/// \f[ \operatorname{IoU}(A, B) = \frac{|A \cap B|}{|A| + |B| - |A \cap B|} \f]
/// The intersection is \f$\max(0, \min(x_2) - \max(x_1)) \cdot \max(0, \min(y_2) - \max(y_1))\f$:
/// clamp each side at 0, or two disjoint boxes get a positive "intersection".
/// @param a (N, 4)
/// @param b (M, 4)
/// @return (N, M), values in [0, 1]
/// @throws ShapeError naming "box_iou" if a or b is not (*, 4).
/// torchvision: `torchvision.ops.box_iou(a, b)`.
Tensor box_iou(const Tensor& a, const Tensor& b);

/// Greedy non-maximum suppression: repeatedly keep the highest-scoring remaining box and drop every
/// remaining box whose IoU with it is greater than iou_threshold.
/// Ties in score keep the lower index first (a stable sort by descending score).
/// @param boxes (N, 4)
/// @param scores (N)
/// @param iou_threshold boxes overlapping a kept box by more than this are suppressed
/// @return indices of the kept boxes, by descending score
/// @throws ShapeError naming "nms" if boxes is not (N, 4) or scores not (N).
/// torchvision: `torchvision.ops.nms(boxes, scores, iou_threshold)`.
std::vector<int> nms(const Tensor& boxes, const Tensor& scores, float iou_threshold);

}  // namespace wb
