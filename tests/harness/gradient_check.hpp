// Finite-difference checks shared by the graded tests of every chapter with a backward pass.
#pragma once
#include <functional>

#include "framework/gradcheck.hpp"
#include "tests/harness/graded.hpp"

namespace gradients {

/// sum(a * b) in double: a loss whose gradient with respect to a is b.
inline double dot(const wb::Tensor& a, const wb::Tensor& b) {
    double s = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
    return s;
}

/// Expects the analytic gradient to match centered differences of `loss` around x (float32 steps of
/// 1e-2, losses summed in double): relative error with floor 1e-3 below 1e-2, as chapter 01's checks.
inline void expect_gradient_check(const char* what, const std::function<double(const wb::Tensor&)>& loss,
                                  const wb::Tensor& x, const wb::Tensor& analytic) {
    const wb::Tensor numeric = wb::numeric_gradient(loss, x);
    EXPECT_LT(wb::relative_error(analytic, numeric, 1e-3), 1e-2) << what;
}

}  // namespace gradients
