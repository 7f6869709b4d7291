#include "framework/tensor.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "framework/random.hpp"

namespace wb {

std::string to_string(const Shape& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) s += ", ";
        s += std::to_string(shape[i]);
    }
    return s + ")";
}

std::size_t element_count(const Shape& shape) {
    std::size_t n = 1;
    for (int d : shape) n *= static_cast<std::size_t>(d);
    return n;
}

namespace {
std::atomic<std::size_t> live_bytes{0};
std::atomic<std::size_t> peak_bytes{0};
}  // namespace

std::size_t live_tensor_bytes() { return live_bytes.load(std::memory_order_relaxed); }
std::size_t peak_tensor_bytes() { return peak_bytes.load(std::memory_order_relaxed); }
void reset_peak_tensor_bytes() { peak_bytes.store(live_bytes.load(std::memory_order_relaxed), std::memory_order_relaxed); }

namespace detail {
void count_tensor_allocation(std::size_t bytes) noexcept {
    const std::size_t now = live_bytes.fetch_add(bytes, std::memory_order_relaxed) + bytes;
    std::size_t peak = peak_bytes.load(std::memory_order_relaxed);
    while (now > peak && !peak_bytes.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
    }
}
void count_tensor_release(std::size_t bytes) noexcept { live_bytes.fetch_sub(bytes, std::memory_order_relaxed); }
}  // namespace detail

static void check_shape(const Shape& shape) {
    if (shape.size() > static_cast<std::size_t>(Tensor::kMaxRank))
        throw ShapeError("Tensor: shape " + to_string(shape) + " has rank " +
                         std::to_string(shape.size()) + "; the workbook supports rank <= 4");
    for (int d : shape)
        if (d < 0) throw ShapeError("Tensor: shape " + to_string(shape) + " has a negative dim");
}

Tensor::Tensor(Shape shape, float fill) : shape_(std::move(shape)) {
    check_shape(shape_);
    data_.assign(element_count(shape_), fill);
}

Tensor::Tensor(Shape shape, std::vector<float> values) : shape_(std::move(shape)), data_(values.begin(), values.end()) {
    check_shape(shape_);
    if (data_.size() != element_count(shape_))
        throw ShapeError("Tensor: shape " + to_string(shape_) + " needs " +
                         std::to_string(element_count(shape_)) + " values, got " +
                         std::to_string(data_.size()));
}

Tensor Tensor::uninitialized(Shape shape) {
    check_shape(shape);
    Tensor t;
    t.data_.resize(element_count(shape));  // DefaultInitAllocator: no zeros written
    t.shape_ = std::move(shape);
    return t;
}

Tensor Tensor::randn(Shape shape, Rng& rng, float stddev, float mean) {
    Tensor t(std::move(shape));
    for (float& x : t) x = mean + stddev * rng.normal();
    return t;
}

Tensor Tensor::uniform(Shape shape, Rng& rng, float low, float high) {
    Tensor t(std::move(shape));
    for (float& x : t) x = rng.uniform(low, high);
    return t;
}

int Tensor::dim(int i) const {
    const int r = rank();
    const int j = i < 0 ? i + r : i;
    if (j < 0 || j >= r)
        throw ShapeError("Tensor::dim: index " + std::to_string(i) + " out of range for shape " +
                         to_string(shape_));
    return shape_[static_cast<std::size_t>(j)];
}

Tensor Tensor::reshaped(Shape shape) const& {
    Tensor t = *this;
    t.reshape(std::move(shape));
    return t;
}

Tensor Tensor::reshaped(Shape shape) && {
    reshape(std::move(shape));
    return std::move(*this);
}

void Tensor::reshape(Shape shape) {
    check_shape(shape);
    if (element_count(shape) != data_.size())
        throw ShapeError("reshape: " + to_string(shape_) + " has " + std::to_string(data_.size()) +
                         " elements, " + to_string(shape) + " needs " +
                         std::to_string(element_count(shape)));
    shape_ = std::move(shape);
}

void Tensor::fill(float value) {
    for (float& x : data_) x = value;
}

void require_shape(const char* op, const char* name, const Tensor& t, const Shape& expected) {
    bool ok = t.shape().size() == expected.size();
    for (std::size_t i = 0; ok && i < expected.size(); ++i)
        ok = expected[i] < 0 || expected[i] == t.shape()[i];
    if (!ok) {
        std::string want = "(";
        for (std::size_t i = 0; i < expected.size(); ++i) {
            if (i > 0) want += ", ";
            want += expected[i] < 0 ? std::string("*") : std::to_string(expected[i]);
        }
        want += ")";
        throw ShapeError(std::string(op) + ": " + name + " has shape " + to_string(t.shape()) +
                         ", expected " + want);
    }
}

void require_rank(const char* op, const char* name, const Tensor& t, int rank) {
    if (t.rank() != rank)
        throw ShapeError(std::string(op) + ": " + name + " has shape " + to_string(t.shape()) +
                         " (rank " + std::to_string(t.rank()) + "), expected rank " +
                         std::to_string(rank));
}

void shape_mismatch(const char* op, const char* name_a, const Tensor& a, const char* name_b,
                    const Tensor& b, const std::string& why) {
    throw ShapeError(std::string(op) + ": " + name_a + " " + to_string(a.shape()) + " and " +
                     name_b + " " + to_string(b.shape()) + " disagree: " + why);
}

Tensor concat_rows(const Tensor& a, const Tensor& b) {
    if (a.rank() < 1 || a.rank() != b.rank() || !std::equal(a.shape().begin() + 1, a.shape().end(), b.shape().begin() + 1))
        throw ShapeError("concat_rows: a " + to_string(a.shape()) + " and b " + to_string(b.shape()) +
                         " must agree in every dim after the first");
    Shape shape = a.shape();
    shape[0] += b.dim(0);
    Tensor out = Tensor::uninitialized(shape);
    std::copy(a.begin(), a.end(), out.begin());
    std::copy(b.begin(), b.end(), out.begin() + a.size());
    return out;
}

Tensor slice_rows(const Tensor& x, int begin, int end) {
    if (x.rank() < 1 || begin < 0 || begin > end || end > x.dim(0))
        throw ShapeError("slice_rows: rows [" + std::to_string(begin) + ", " + std::to_string(end) + ") of x " +
                         to_string(x.shape()));
    Shape shape = x.shape();
    const std::size_t row = shape[0] == 0 ? 0 : x.size() / static_cast<std::size_t>(shape[0]);
    shape[0] = end - begin;
    Tensor out = Tensor::uninitialized(shape);
    std::copy(x.begin() + begin * row, x.begin() + end * row, out.begin());
    return out;
}

Tensor take_rows(const Tensor& x, const std::vector<int>& indices) {
    if (x.rank() < 1) throw ShapeError("take_rows: x has shape " + to_string(x.shape()) + ", needs rank >= 1");
    Shape shape = x.shape();
    const std::size_t row = shape[0] == 0 ? 0 : x.size() / static_cast<std::size_t>(shape[0]);
    shape[0] = static_cast<int>(indices.size());
    Tensor out(shape);
    for (std::size_t i = 0; i < indices.size(); ++i) {
        if (indices[i] < 0 || indices[i] >= x.dim(0))
            throw ShapeError("take_rows: index " + std::to_string(indices[i]) + " outside x " +
                             to_string(x.shape()));
        std::memcpy(out.data() + i * row, x.data() + static_cast<std::size_t>(indices[i]) * row,
                    row * sizeof(float));
    }
    return out;
}

}  // namespace wb
