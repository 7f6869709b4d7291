// Numerical gradient checks (CS231n style): centered differences, compared by relative error.
#pragma once
#include <functional>
#include <vector>

#include "framework/tensor.hpp"

namespace wb {

/// CS231n's relative error: max over i of |a_i - b_i| / max(floor, |a_i| + |b_i|).
/// In double precision about 1e-7 or less means right, above 1e-2 means wrong.
/// Throws ShapeError if the sizes differ.
double relative_error(const std::vector<double>& a, const std::vector<double>& b, double floor = 1e-8);
double relative_error(const Tensor& a, const Tensor& b, double floor = 1e-8);

/// df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / 2h, for a scalar function of a double vector.
std::vector<double> numeric_gradient(const std::function<double(const std::vector<double>&)>& f,
                                     std::vector<double> x, double h = 1e-5);

/// The same for a function of a float tensor (a float32 kernel wrapped to return a double scalar,
/// e.g. sum(out * dout) accumulated in double). The step is taken in float, and the difference
/// divided by the step actually taken, (x + h) - (x - h) in float.
/// With float32 kernels, h ~ 1e-2 .. 1e-3 balances rounding against truncation: expect relative
/// errors near 1e-4, so graded float checks use floor ~ 1e-3 and a threshold ~ 1e-2.
Tensor numeric_gradient(const std::function<double(const Tensor&)>& f, Tensor x, float h = 1e-2f);

}  // namespace wb
