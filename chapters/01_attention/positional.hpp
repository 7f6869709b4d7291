/// @file positional.hpp
/// Exercise **PositionalEncoding**: the Transformer's sinusoidal position signal.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// Sinusoidal positional encoding (Vaswani et al., 2017), added to the token embeddings:
/// \f[ PE_{p,\,2i} = \sin\!\big(p / 10000^{2i/D}\big), \qquad PE_{p,\,2i+1} = \cos\!\big(p / 10000^{2i/D}\big) \f]
/// for position p = 0..T-1 and pair i = 0..D/2-1. Each pair of columns is a rotation at its
/// own frequency, so \f$PE_{p+k}\f$ is a fixed linear function of \f$PE_p\f$: relative offsets are
/// easy to read. Self-attention alone is permutation-equivariant; this is what tells it the order.
/// @param length T, the number of positions (> 0)
/// @param d_model D, the embedding width (> 0 and even)
/// @return (T, D)
/// @throws ShapeError naming "sinusoidal_positions" if T <= 0, D <= 0 or D is odd.
Tensor sinusoidal_positions(int length, int d_model);

}  // namespace wb
