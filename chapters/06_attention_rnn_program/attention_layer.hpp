/// @file attention_layer.hpp
/// Exercise **LastStateAttention**: the attention the source's "attention RNN" never had, as a layer that
/// sits on an LSTM's states: the last state asks, every state answers (Luong et al., 2015, "general" score).
///
/// Shapes: N = batch, T = time steps, H = the LSTM's hidden units.
#pragma once
#include <string>
#include <vector>

#include "framework/layers.hpp"
#include "framework/random.hpp"

namespace wb {

/// x (N, T, H), an LSTM's states h_0 .. h_{T-1} -> y (N, 2H) = [c; q], with the last state as the query:
/// \f[ q = h_{T-1}, \qquad e_t = \frac{h_t^\top (W q)}{\sqrt{H}}, \qquad a = \operatorname{softmax}_t(e), \qquad
///     c = \sum_t a_t h_t. \f]
/// The context c reads the step that matters, however far back; q carries what the LSTM kept. W (H, H) lets
/// the state that asks and the states that answer use different features (with W = I it is Luong's "dot").
class LastStateAttention : public Layer {
public:
    /// W drawn from U(-1/sqrt(H), 1/sqrt(H)), as PyTorch's nn.Linear(H, H, bias=False).
    LastStateAttention(int hidden, Rng& rng);
    /// "LastStateAttention", for model summaries.
    std::string name() const override { return "LastStateAttention"; }

    /// @param x (N, T, H), T >= 1
    /// @return y (N, 2H): the context in columns 0 .. H-1, the query in H .. 2H-1
    /// @throws ShapeError naming "LastStateAttention::forward" unless x is (N, T, H) with W's H.
    Tensor forward(Tensor x) override;

    /// With dc and dq the two halves of dL/dy, and \f$k = W q\f$, \f$g_t = dc \cdot h_t\f$:
    /// \f[ \frac{\partial L}{\partial e_t} = a_t \big(g_t - \textstyle\sum_s a_s g_s\big), \qquad
    ///     \frac{\partial L}{\partial h_t} = a_t\, dc + \frac{\partial L}{\partial e_t} \frac{k}{\sqrt{H}}, \qquad
    ///     \frac{\partial L}{\partial k} = \sum_t \frac{\partial L}{\partial e_t} \frac{h_t}{\sqrt{H}}, \f]
    /// \f[ \frac{\partial L}{\partial q} = dq + W^\top \frac{\partial L}{\partial k}, \qquad
    ///     \frac{\partial L}{\partial W} = \sum_n \frac{\partial L}{\partial k} q^\top, \f]
    /// and the last state, being the query too, also gets \f$\partial L / \partial q\f$ added.
    /// @param dout dL/dy (N, 2H)
    /// @return dL/dx (N, T, H); weight_grad holds dL/dW (H, H), summed over the batch
    /// @throws ShapeError naming "LastStateAttention::backward" unless dout is (N, 2H) of the last forward.
    Tensor backward(Tensor dout) override;

    /// W and its gradient, for the optimizer.
    std::vector<Param> params() override { return {{"attention.weight", &weight, &weight_grad}}; }
    /// (N, T, H) -> (N, 2H).
    Shape output_shape(const Shape& input) const override { return {input.at(0), 2 * input.at(2)}; }

    /// The attention weights a (N, T) of the last forward: each row sums to 1.
    const Tensor& attention_weights() const { return weights_; }

    Tensor weight;       ///< W (H, H)
    Tensor weight_grad;  ///< dL/dW (H, H), written by backward

private:
    Tensor x_;        // (N, T, H) the last forward's input
    Tensor weights_;  // (N, T) the last forward's attention weights
};

}  // namespace wb
