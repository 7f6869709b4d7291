#include "framework/rnn_kernels.hpp"

namespace wb {

int recurrent_hidden_size(const char* op, int gates, int input_size, const Tensor& w_ih, const Tensor& w_hh,
                          const Tensor& b_ih, const Tensor& b_hh) {
    require_rank(op, "w_hh", w_hh, 2);
    const int H = w_hh.dim(1);
    require_shape(op, "w_hh", w_hh, {gates * H, H});
    require_shape(op, "w_ih", w_ih, {gates * H, input_size});
    require_shape(op, "b_ih", b_ih, {gates * H});
    require_shape(op, "b_hh", b_hh, {gates * H});
    return H;
}

}  // namespace wb
