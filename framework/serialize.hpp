// Named tensors on disk: model weights and the golden test fixtures share one format.
//
// File layout (little-endian), version 1:
//   char[8] magic "WBTENSOR"; uint32 version; uint32 count;
//   count times: uint32 name_length; name bytes; uint32 rank; int32 dims[rank]; float32 data[prod(dims)]
// tools/fixtures/wbt.py writes the same format from Python.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "framework/layers.hpp"
#include "framework/tensor.hpp"

namespace wb {

inline constexpr unsigned kTensorFileVersion = 1;

struct NamedTensor {
    std::string name;
    Tensor tensor;
};

/// Writes the tensors, in order. Throws IoError naming the path if it cannot be written.
void save_tensors(const std::string& path, const std::vector<NamedTensor>& tensors);

/// Reads a whole file. Throws IoError naming the path and the problem: missing file, not a
/// workbook tensor file (wrong magic), unsupported version, or truncated (names the tensor).
std::vector<NamedTensor> load_tensors(const std::string& path);

/// Saves every parameter's value under its name.
void save_weights(const std::string& path, const std::vector<Param>& params);

/// Loads into existing parameters: names, count and shapes must match the file exactly,
/// else IoError names the path and the first disagreement. Nothing is changed on error.
void load_weights(const std::string& path, const std::vector<Param>& params);

}  // namespace wb
