#include "framework/gradcheck.hpp"

#include <algorithm>
#include <cmath>

namespace wb {

double relative_error(const std::vector<double>& a, const std::vector<double>& b, double floor) {
    if (a.size() != b.size())
        throw ShapeError("relative_error: a has " + std::to_string(a.size()) + " values and b has " +
                         std::to_string(b.size()));
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::abs(a[i] - b[i]) / std::max(floor, std::abs(a[i]) + std::abs(b[i])));
    return worst;
}

double relative_error(const Tensor& a, const Tensor& b, double floor) {
    if (a.shape() != b.shape())
        shape_mismatch("relative_error", "a", a, "b", b, "they must have the same shape");
    return relative_error(std::vector<double>(a.begin(), a.end()), std::vector<double>(b.begin(), b.end()),
                          floor);
}

std::vector<double> numeric_gradient(const std::function<double(const std::vector<double>&)>& f,
                                     std::vector<double> x, double h) {
    std::vector<double> grad(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double saved = x[i];
        x[i] = saved + h;
        const double plus = f(x);
        x[i] = saved - h;
        const double minus = f(x);
        x[i] = saved;
        grad[i] = (plus - minus) / (2.0 * h);
    }
    return grad;
}

Tensor numeric_gradient(const std::function<double(const Tensor&)>& f, Tensor x, float h) {
    Tensor grad(x.shape());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float saved = x[i];
        const float up = saved + h, down = saved - h;
        x[i] = up;
        const double plus = f(x);
        x[i] = down;
        const double minus = f(x);
        x[i] = saved;
        grad[i] = static_cast<float>((plus - minus) / (static_cast<double>(up) - down));
    }
    return grad;
}

}  // namespace wb
