#include "framework/model.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numeric>

#include "framework/progress.hpp"
#include "framework/random.hpp"

namespace wb {

Tensor Sequential::forward(const Tensor& x) {
    if (layers_.empty()) return x;
    // each activation is moved on to the next layer, which may keep or reshape it without a copy
    Tensor h = layers_.front()->forward(x);
    for (std::size_t i = 1; i < layers_.size(); ++i) h = layers_[i]->forward(std::move(h));
    return h;
}

Tensor Sequential::backward(const Tensor& dout) {
    if (layers_.empty()) return dout;
    Tensor g = layers_.back()->backward(dout);
    for (auto it = layers_.rbegin() + 1; it != layers_.rend(); ++it) g = (*it)->backward(std::move(g));
    return g;
}

void Sequential::replace_layers(std::size_t first, std::size_t count, std::unique_ptr<Layer> layer) {
    if (count == 0 || first + count > layers_.size())
        throw ShapeError("Sequential::replace_layers: layers [" + std::to_string(first) + ", " +
                         std::to_string(first + count) + ") do not exist in a model of " + std::to_string(layers_.size()));
    layer->needs_input_grad = first > 0 || input_grad_;
    layers_.erase(layers_.begin() + static_cast<long>(first), layers_.begin() + static_cast<long>(first + count));
    layers_.insert(layers_.begin() + static_cast<long>(first), std::move(layer));
}

std::vector<Param> Sequential::params() {
    std::vector<Param> all;
    for (std::size_t i = 0; i < layers_.size(); ++i)
        for (Param p : layers_[i]->params()) {
            p.name = std::to_string(i) + "." + p.name;
            all.push_back(p);
        }
    return all;
}

std::size_t Sequential::parameter_count() {
    std::size_t n = 0;
    for (const Param& p : params()) n += p.value->size();
    return n;
}

std::string Sequential::summary(const Shape& input) {
    std::string s = "layer            output shape          params\n";
    Shape shape = input;
    char line[128];
    for (auto& layer : layers_) {
        shape = layer->output_shape(shape);
        std::size_t n = 0;
        for (const Param& p : layer->params()) n += p.value->size();
        std::snprintf(line, sizeof line, "%-16s %-21s %zu\n", layer->name().c_str(), to_string(shape).c_str(), n);
        s += line;
    }
    std::snprintf(line, sizeof line, "total parameters: %zu\n", parameter_count());
    return s + line;
}

}  // namespace wb
