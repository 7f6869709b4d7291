// Golden tensors written by the PyTorch scripts in tools/fixtures/ (see tools/fixtures/README.md).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "framework/tensor.hpp"

namespace fixtures {

/// The named tensors of tests/fixtures/<chapter>/<name>.wbt. A missing or unreadable file throws
/// wb::IoError naming the path and the command that regenerates it.
class Golden {
public:
    Golden(std::string path, std::map<std::string, wb::Tensor> tensors)
        : path_(std::move(path)), tensors_(std::move(tensors)) {}
    /// Throws wb::IoError naming the file and the missing key.
    const wb::Tensor& operator[](const std::string& key) const;
    /// Whether the file holds a tensor of that name (an optional one, such as a bias).
    bool has(const std::string& key) const { return tensors_.count(key) > 0; }
    /// A scalar stored as a (1) tensor, e.g. a configuration value.
    float scalar(const std::string& key) const { return (*this)[key][0]; }
    int integer(const std::string& key) const { return static_cast<int>(scalar(key)); }

private:
    std::string path_;
    std::map<std::string, wb::Tensor> tensors_;
};

Golden load(const std::string& chapter, const std::string& name);

/// A tensor of whole numbers stored as floats (lengths, indices, labels) as ints.
std::vector<int> as_ints(const wb::Tensor& t);

}  // namespace fixtures
