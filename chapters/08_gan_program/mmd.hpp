/// @file mmd.hpp
/// Exercise **MmdLoss**: the kernel maximum mean discrepancy between generated and real images, and its
/// gradient. `./wb run 08` gives G a second step down it after every alternating step: D scores one image
/// at a time and cannot see that G draws too many sandals and too few dresses; the MMD can (the chapter
/// page's follow-up "Why can't D see the class mix, and what does the MMD step change?").
///
/// Shapes: N samples and M targets; a row is everything after the first dimension, P values (an image
/// (1, 28, 28) is a row of P = 784), and the two sets may have different ranks with rows of equal size.
#pragma once
#include <vector>

#include "framework/losses.hpp"
#include "framework/tensor.hpp"

namespace wb {

/// The squared MMD between the rows s_1..s_N of `samples` and t_1..t_M of `targets`, the unbiased estimate
/// of Gretton et al. (2012):
/// \f[ \mathrm{MMD}^2 = \frac{1}{N(N-1)} \sum_{i \ne j} k(s_i, s_j) + \frac{1}{M(M-1)} \sum_{i \ne j} k(t_i, t_j)
///       - \frac{2}{NM} \sum_{i, j} k(s_i, t_j), \f]
/// with a sum of Gaussian kernels over the bandwidths h,
/// \f[ k(a, b) = \kappa\big(\delta(a, b)\big), \qquad \kappa(\delta) = \sum_h e^{-\delta / h}, \qquad
///       \delta(a, b) = \lVert a - b \rVert^2 / P, \f]
/// so that h is in units of the mean squared difference per value. The estimate is 0 in expectation when
/// both sets are drawn i.i.d. from one distribution (a single draw may be slightly negative) and positive
/// in expectation when they come from two. `grad` is dMMD^2/d(samples), shaped like `samples`; the targets
/// are constants:
/// \f[ \frac{\partial \mathrm{MMD}^2}{\partial s_i} = \frac{2}{N(N-1)} \sum_{j \ne i} \nabla_1 k(s_i, s_j)
///       - \frac{2}{NM} \sum_j \nabla_1 k(s_i, t_j), \qquad
///       \nabla_1 k(a, b) = \frac{2 (a - b)}{P} \, \kappa'\big(\delta(a, b)\big), \qquad
///       \kappa'(\delta) = -\sum_h \frac{e^{-\delta/h}}{h}. \f]
/// A step down this gradient pulls each sample towards nearby targets and pushes it away from nearby samples.
/// @param samples (N, ...), N >= 2, the generated rows (the gradient is theirs)
/// @param targets (M, ...), M >= 2, rows of as many values as the samples'
/// @param bandwidths at least one, each > 0
/// @return `loss` = MMD^2 (accumulated in double), `grad` (N, ...)
/// @throws ShapeError naming "mmd_loss" if a set has fewer than 2 rows, the rows differ in size, or a
///         bandwidth is missing or not positive.
/// PyTorch has no built-in; the same sums over `torch.cdist(s, t) ** 2 / P` with autograd give both outputs.
LossResult mmd_loss(const Tensor& samples, const Tensor& targets, const std::vector<float>& bandwidths);

}  // namespace wb
