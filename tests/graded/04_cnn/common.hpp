// Helpers shared by the chapter 04 graded tests.
#pragma once
#include <string>
#include <vector>

#include "chapters/04_cnn/conv.hpp"
#include "tests/harness/fixtures.hpp"

namespace cnn_test {

/// The four conv fixtures of tools/fixtures/cnn.py: strides, paddings, dilations, odd sizes, no bias.
inline const std::vector<std::string> kConvCases = {"conv_basic", "conv_stride_pad", "conv_dilation",
                                                    "conv_big_stride_no_bias"};

inline wb::Conv2dParams params_of(const fixtures::Golden& g) {
    return {g.integer("stride"), g.integer("padding"), g.integer("dilation")};
}

/// Whether the fixture's convolution has a bias (one case has none).
inline bool has_bias(const std::string& name) { return name != "conv_big_stride_no_bias"; }

/// The fixture's bias, or an empty tensor for the no-bias case.
inline wb::Tensor bias_of(const std::string& name, const fixtures::Golden& g) {
    return has_bias(name) ? g["b"] : wb::Tensor();
}

}  // namespace cnn_test
