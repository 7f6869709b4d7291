/// @file flow.hpp
/// Exercise **FlowMatching**: a straight path from data to noise, the velocity along it, and an Euler sampler.
#pragma once
#include "framework/tensor.hpp"

namespace wb {

/// A point on the straight path between a clean image x0 (t = 0) and noise x1 (t = 1), each image at its own time:
/// \f[ x_t = (1 - t)\, x_0 + t\, x_1 \f]
/// This is the rectified-flow / flow-matching path in the convention of Stable Diffusion 3 (Esser et al., 2024) and
/// diffusers' FlowMatchEulerDiscreteScheduler: data at t = 0, noise at t = 1, sampling runs t from 1 down to 0. Liu
/// et al. (2023) and Lipman et al. (2023) write it the other way round (noise at 0, data at 1); the velocity then
/// changes sign.
/// @param x0 (N, ...) clean images
/// @param x1 noise, the shape of x0
/// @param times (N), each image's t in [0, 1]
/// @return x_t, the shape of x0
/// @throws ShapeError naming "flow_interpolate" on mismatched shapes or a time outside [0, 1].
Tensor flow_interpolate(const Tensor& x0, const Tensor& x1, const Tensor& times);

/// The velocity of the path, the flow-matching target: \f$v = \frac{d x_t}{dt} = x_1 - x_0\f$, the same at every t.
/// The loss is the mean squared error between the network's \f$\hat v(x_t, t)\f$ and v (denoising_loss with
/// weights 1).
/// @param x0 (N, ...) clean images
/// @param x1 noise, the shape of x0
/// @throws ShapeError naming "flow_velocity" if the shapes differ.
Tensor flow_velocity(const Tensor& x0, const Tensor& x1);

/// One Euler step of the sampling ODE \f$dx/dt = \hat v\f$ from time t to an earlier time t_next:
/// \f$x_{t_{next}} = x_t + (t_{next} - t)\,\hat v\f$. Starting from noise at t = 1 and stepping to 0 gives an image;
/// a straight path would need a single step, and the more the learned paths bend, the more steps it takes.
/// @param xt (N, ...) the batch at time t
/// @param velocity (N, ...) the network's predicted velocity at (xt, t)
/// @param time t in [0, 1]
/// @param next_time t_next in [0, t]
/// @throws ShapeError naming "flow_euler_step" on mismatched shapes or times out of order or range.
Tensor flow_euler_step(const Tensor& xt, const Tensor& velocity, float time, float next_time);

}  // namespace wb
