// Optimizers, following PyTorch's update equations (torch.optim.SGD, torch.optim.Adam).
// step() reads each Param's grad and updates its value; the param list must be the same
// (same order) at every call, since the optimizer keeps per-parameter state by position.
#pragma once
#include <vector>

#include "framework/layers.hpp"

namespace wb {

class Optimizer {
public:
    virtual ~Optimizer() = default;
    virtual void step(const std::vector<Param>& params) = 0;
};

/// torch.optim.SGD: g = grad + wd * p;  v = mu v + g (v = g at the first step);  p -= lr v.
class SGD : public Optimizer {
public:
    explicit SGD(float lr, float momentum = 0.0f, float weight_decay = 0.0f)
        : lr_(lr), momentum_(momentum), weight_decay_(weight_decay) {}
    void step(const std::vector<Param>& params) override;

private:
    float lr_, momentum_, weight_decay_;
    std::vector<Tensor> velocity_;
};

/// torch.optim.Adam, one step counter t per step() call (not per parameter):
/// m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
/// p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
class Adam : public Optimizer {
public:
    explicit Adam(float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f)
        : lr_(lr), beta1_(beta1), beta2_(beta2), eps_(eps) {}
    void step(const std::vector<Param>& params) override;
    long steps() const { return t_; }

private:
    float lr_, beta1_, beta2_, eps_;
    long t_ = 0;
    std::vector<Tensor> m_, v_;
};

/// An exponential moving average of parameters (Polyak averaging), the generator that ProGAN and StyleGAN
/// sample from: after every update(), avg = beta avg + (1 - beta) p, starting from the parameters' values at
/// construction. swap() exchanges the averages with the parameters, so the model runs on the averaged weights
/// until swap() is called again. A GAN's generator oscillates around a mode mix; its average moves less.
class WeightAverage {
public:
    WeightAverage(const std::vector<Param>& params, float beta);
    void update(const std::vector<Param>& params);
    void swap(const std::vector<Param>& params);

private:
    float beta_;
    std::vector<Tensor> average_;
};

}  // namespace wb
