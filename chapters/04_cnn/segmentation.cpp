// Exercise SegmentationMetrics. Contract: segmentation.hpp. Grade: ./wb grade 04
#include "chapters/04_cnn/segmentation.hpp"

namespace wb {

SegmentationScores segmentation_scores(const Tensor& pred, const Tensor& target, int num_classes) {
    // TODO: count per class c: |pred = c and target = c|, |pred = c|, |target = c|.
    //       pixel accuracy = correct pixels / all pixels;
    //       IoU_c = both / (pred + target - both), NaN (std::numeric_limits<double>::quiet_NaN()) when
    //       the union is empty; mean IoU = the mean over the classes whose IoU is not NaN.
    //       Reject different shapes and labels outside [0, num_classes) (ShapeError naming "segmentation_scores").
    throw NotImplemented("segmentation_scores");
}

}  // namespace wb
