/// @file segmentation.hpp
/// Exercise **SegmentationMetrics**: how semantic segmentation is scored.
#pragma once
#include <vector>

#include "framework/tensor.hpp"

namespace wb {

/// Scores of a predicted label map against the true one.
struct SegmentationScores {
    double pixel_accuracy;          ///< fraction of pixels with the right class
    std::vector<double> class_iou;  ///< per class c: |pred = c and true = c| / |pred = c or true = c|; NaN if c is in neither
    double mean_iou;                ///< mean of class_iou over the classes that are not NaN
};

/// Pixel accuracy, per-class IoU and mean IoU.
/// Pixel accuracy flatters models on imbalanced data (a road-only prediction scores high on a road
/// scene); mean IoU weighs every class equally. A class absent from both prediction and truth has
/// an undefined IoU (0/0): it is NaN and left out of the mean, not counted as 0 or 1.
/// @param pred (N, H, W) class labels 0..num_classes-1 stored as floats (argmax of the logits)
/// @param target (N, H, W) true labels, same encoding
/// @param num_classes K
/// @throws ShapeError naming "segmentation_scores" if the shapes differ or a label is outside [0, K).
SegmentationScores segmentation_scores(const Tensor& pred, const Tensor& target, int num_classes);

}  // namespace wb
