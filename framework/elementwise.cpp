#include "framework/elementwise.hpp"

#include "framework/eigen_views.hpp"

namespace wb {

void exp_array(const float* x, float* y, int n) { VectorView(y, n) = ConstVectorView(x, n).array().exp(); }

void sigmoid_array(const float* x, float* y, int n) {
    // Eigen's logistic is vectorised and saturates cleanly at both ends.
    VectorView(y, n) = ConstVectorView(x, n).array().logistic();
}

void tanh_array(const float* x, float* y, int n) { VectorView(y, n) = ConstVectorView(x, n).array().tanh(); }

}  // namespace wb
