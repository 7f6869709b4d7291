// Exercises FrechetDistance and ClassShares. Contracts and math: quality.hpp. Grade: ./wb grade 08
#include "chapters/08_gan_program/quality.hpp"

#include <vector>

#include "framework/linalg.hpp"

namespace wb {

double frechet_distance(const Tensor& a, const Tensor& b) {
    // TODO: check a (N, F), b (M, F), N, M >= 2 (ShapeError naming "frechet_distance").
    //       In double: the means and the covariances divided by N - 1 (and M - 1).
    //       d = |mu_a - mu_b|^2 + Tr(S_a) + Tr(S_b) - 2 Tr(sqrt(R S_b R)) with R = sqrt(S_a),
    //       both square roots from wb::symmetric_sqrt(matrix, F) (row-major F x F vectors of double).
    // Worked example: b = a + v (every row shifted by the same vector v) gives d = |v|^2.
    throw NotImplemented("frechet_distance");
}

std::vector<double> class_shares(const Tensor& logits) {
    // TODO: for each row, the index of its largest logit (the first on a tie) gets 1 / N.
    //       logits must be (N, K), N, K >= 1 (ShapeError naming "class_shares").
    // Worked example: rows [1, 3], [5, 0], [2, 2] give shares {2/3, 1/3}.
    throw NotImplemented("class_shares");
}

}  // namespace wb
