// Helpers shared by the multi-head attention graded tests (forward and backward).
#pragma once
#include <vector>

#include "chapters/01_attention/multihead.hpp"
#include "tests/harness/fixtures.hpp"

namespace multihead_test {

/// The weights stored beside a multihead_*.wbt golden (torch.nn.MultiheadAttention's, split per projection).
inline wb::MultiHeadWeights weights_from(const fixtures::Golden& g) {
    return {g.integer("heads"), g["w_q"], g["w_k"], g["w_v"], g["b_q"], g["b_k"], g["b_v"], g["w_o"], g["b_o"]};
}

/// The key lengths of a padded golden.
inline std::vector<int> lengths_from(const fixtures::Golden& g) { return fixtures::as_ints(g["lengths"]); }

}  // namespace multihead_test
