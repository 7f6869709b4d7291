// Exercise TimeEmbedding. Contracts and math: time_embedding.hpp. Grade: ./wb grade 10
#include "chapters/10_diffusion/time_embedding.hpp"

namespace wb {

Tensor time_embedding_forward(const Tensor& steps, int total_steps, const TimeMlp& mlp) {
    // TODO: E = w1.dim(1), H = w1.dim(0), D = w2.dim(0). table = sinusoidal_positions(T, E) (your chapter 01 code);
    //       e_n = table row steps[n]; a = e W1^T + b1; h = a * sigmoid(a) (SiLU); y = h W2^T + b2, (N, D).
    //       Reject weights that disagree, an odd E, or a step that is not an integer in [0, T).
    // Worked example: E = 2, step 0 -> e = [sin 0, cos 0] = [0, 1].
    throw NotImplemented("time_embedding_forward");
}

TimeMlpGrads time_embedding_backward(const Tensor& dout, const Tensor& steps, int total_steps, const TimeMlp& mlp) {
    // TODO: recompute e, a, h; dW2 = dout^T h, db2 = sum over n of dout; dh = dout W2;
    //       da = dh * sigmoid(a) (1 + a (1 - sigmoid(a))); dW1 = da^T e, db1 = sum over n of da.
    //       Reject dout that is not (N, D) (ShapeError naming "time_embedding_backward").
    // Worked example: SiLU'(0) = 0.5: at a = 0 half of dh reaches the first layer.
    throw NotImplemented("time_embedding_backward");
}

}  // namespace wb
