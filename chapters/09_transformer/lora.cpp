// Exercises Lora and LoraBackward. Contracts and math: lora.hpp. Grade: ./wb grade 09
#include "chapters/09_transformer/lora.hpp"

namespace wb {

Tensor lora_forward(const Tensor& x, const LoraWeights& w) {
    // TODO: r = rows of a, s = alpha / r. y = x W^T + s (x A^T) B^T, in that order (h = x A^T is (N, r);
    //       never form B A). Reject disagreeing shapes (ShapeError naming "lora_forward").
    // Worked example: B = 0 (LoRA's initialisation) -> y = x W^T exactly, whatever A is.
    throw NotImplemented("lora_forward");
}

LoraGrads lora_backward(const Tensor& dout, const Tensor& x, const LoraWeights& w) {
    // TODO: h = x A^T; dB = s dout^T h; dh = dout B; dA = s dh^T x; dx = dout W + s dh A. No dW: W is frozen.
    //       Reject disagreeing shapes (ShapeError naming "lora_backward").
    // Worked example: at B = 0, dA = 0 (dh = dout B = 0) while dB = s dout^T (x A^T) is not: B moves first.
    throw NotImplemented("lora_backward");
}

Tensor lora_merge(const LoraWeights& w) {
    // TODO: W + (alpha / r) B A, (out, in). Reject disagreeing shapes (ShapeError naming "lora_merge").
    // Worked example: r = 1, alpha = 1, B = [[1], [0]], A = [[0, 2]] -> W + [[0, 2], [0, 0]].
    throw NotImplemented("lora_merge");
}

}  // namespace wb
