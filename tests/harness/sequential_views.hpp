// What a graded test reads off a network (wb::Sequential): its layers' names and its parameters' values.
// Called inside LEARNER blocks, on the learner's models.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "framework/model.hpp"

namespace wb::graded {

/// The name of each layer, in order ("Conv2D", "ReLU", ...).
inline std::vector<std::string> layer_names(Sequential& m) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < m.size(); ++i) names.push_back(m.layer(i).name());
    return names;
}

/// Every parameter tensor of a network, in params() order (copies).
inline std::vector<Tensor> param_values(Sequential& m) {
    std::vector<Tensor> values;
    for (const Param& p : m.params()) values.push_back(*p.value);
    return values;
}

}  // namespace wb::graded
