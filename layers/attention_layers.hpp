// Layers whose kernels are chapter 01 exercises: self-attention (multihead_forward/backward with
// query = key = value) and the sinusoidal position signal. Built once per flavour, as cnn_layers.
#pragma once
#include "chapters/01_attention/multihead.hpp"
#include "framework/layers.hpp"

namespace wb {

/// Multi-head self-attention over a sequence: x (N, T, E) -> (N, T, E), nn.MultiheadAttention(E, heads,
/// batch_first=True)(x, x, x). The input gradient is the sum of the query, key and value gradients.
/// Projections Glorot-uniform, biases zero (PyTorch's in_proj initialisation).
class SelfAttention : public Layer {
public:
    SelfAttention(int embed_dim, int heads, Rng& rng, Mask mask = {});
    std::string name() const override { return "SelfAttention"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override;
    std::vector<Param> params() override;

    MultiHeadWeights weights;
    MultiHeadGrads grads;
    Tensor last_weights;  ///< (N, H, T, T) the attention weights of the last forward, for pictures

private:
    Mask mask_;
    MultiHeadCache cache_;
};

/// x (N, T, E) -> x + PE, with PE = sinusoidal_positions(T, E) the same for every sequence.
class AddPositions : public Layer {
public:
    std::string name() const override { return "AddPositions"; }
    Tensor forward(Tensor x) override;
    Tensor backward(Tensor dout) override { return dout; }  // an added constant: the gradient passes unchanged

private:
    Tensor positions_;  // (T, E) of the last length seen
};

}  // namespace wb
