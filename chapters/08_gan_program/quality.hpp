/// @file quality.hpp
/// Exercises **FrechetDistance** and **ClassShares**: how far generated images are from real ones in a
/// classifier's feature space (the idea of FID), and which classes a generator produces (mode collapse
/// shows as classes with no share).
///
/// Shapes: N, M = samples, F = features, K = classes.
#pragma once
#include <vector>

#include "framework/tensor.hpp"

namespace wb {

/// The Fréchet distance between Gaussians fitted to two sets of feature vectors:
/// \f[ d^2 = \lVert \mu_a - \mu_b \rVert^2 + \operatorname{Tr}\Big(\Sigma_a + \Sigma_b
///         - 2 \big(\Sigma_a^{1/2}\, \Sigma_b\, \Sigma_a^{1/2}\big)^{1/2}\Big), \f]
/// with the sample means and the unbiased covariances (divided by N - 1, as numpy.cov and the FID code).
/// \f$(\Sigma_a^{1/2} \Sigma_b \Sigma_a^{1/2})^{1/2}\f$ has the trace of \f$(\Sigma_a \Sigma_b)^{1/2}\f$ but
/// is symmetric, so wb::symmetric_sqrt (framework/linalg.hpp) computes both square roots.
/// Computed in double precision; 0 for two identical sets.
/// @param a (N, F), N >= 2
/// @param b (M, F), M >= 2
/// @throws ShapeError naming "frechet_distance" if the feature sizes differ or a set has fewer than 2 rows.
double frechet_distance(const Tensor& a, const Tensor& b);

/// The share of samples per class, by each row's largest logit (the first one on a tie).
/// @param logits (N, K), N >= 1
/// @return K shares summing to 1
/// @throws ShapeError naming "class_shares" unless logits is (N, K) with N, K >= 1.
std::vector<double> class_shares(const Tensor& logits);

}  // namespace wb
