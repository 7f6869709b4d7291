/// @file style.hpp
/// Exercises **GramMatrix** and **StyleLoss**: the style representation of neural style transfer
/// (Gatys et al., 2016) and the loss that pulls an image's style towards a target.
///
/// Shapes: N = batch, C = channels, H, W = feature map size, M = H W positions.
#pragma once
#include "framework/losses.hpp"
#include "framework/tensor.hpp"

namespace wb {

/// The Gram matrix of each image's feature maps, normalised by the number of values per image:
/// \f[ G[n, c, d] = \frac{1}{C H W} \sum_{h, w} F[n, c, h, w]\, F[n, d, h, w]. \f]
/// Entry (c, d) says how strongly channels c and d fire together, wherever that happens: the sum over
/// positions throws the layout away and keeps the textures (style), not the objects (content).
/// @param features (N, C, H, W)
/// @return (N, C, C), symmetric
/// @throws ShapeError naming "gram_matrix" if features is not rank 4 or empty.
/// PyTorch: `f = x.reshape(N, C, H * W); torch.bmm(f, f.transpose(1, 2)) / (C * H * W)`.
Tensor gram_matrix(const Tensor& features);

/// The style loss of features against a target Gram matrix, and its gradient with respect to the
/// features: with \f$G = \operatorname{gram}(F)\f$,
/// \f[ L = \frac{1}{N C^2} \sum_{n, c, d} \big(G[n, c, d] - T[n, c, d]\big)^2, \qquad
///     \frac{\partial L}{\partial F[n, c, :]} = \frac{2}{N C^2} \cdot \frac{2}{C H W}
///     \sum_d \big(G - T\big)[n, c, d]\; F[n, d, :] \f]
/// (the mean squared error of the Gram matrices, as `F.mse_loss(gram, target)`; G - T is symmetric,
/// which is why the two halves of dG/dF add up to the factor 2).
/// @param features (N, C, H, W)
/// @param target_gram (N, C, C), e.g. gram_matrix of the style image's features
/// @return the loss and dL/dfeatures (N, C, H, W)
/// @throws ShapeError naming "style_loss" if target_gram is not (N, C, C).
LossResult style_loss(const Tensor& features, const Tensor& target_gram);

}  // namespace wb
