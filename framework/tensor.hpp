// wb::Tensor: float32, contiguous, row-major, rank 0 to 4. Shapes follow PyTorch:
// (N, C, H, W) for images, (batch, time, features) for sequences, (out, in) for Dense weights.
// No Eigen here: every exercise includes this header, and it must compile in a blink.
// For matrix work include framework/eigen_views.hpp in the .cpp that needs it.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "framework/errors.hpp"

namespace wb {

using Shape = std::vector<int>;

/// Where every tensor's storage starts: a cache line, so that vectorised kernels (Eigen's among them) see the
/// same alignment whatever the heap did before. With malloc's 16 bytes, a sum's split into an unaligned head
/// and aligned packets depended on the address, and the same seed gave other bits after unrelated code changed.
inline constexpr std::size_t kTensorAlignment = 64;

/// Bytes of tensor storage alive now, and the most alive at once since reset_peak_tensor_bytes(): how activation
/// checkpointing's saving is measured (chapter 11) rather than guessed. They count every Tensor's floats, across
/// threads, and nothing else (a layer's std::vector members are not tensors).
std::size_t live_tensor_bytes();
std::size_t peak_tensor_bytes();
/// Starts a new peak at the bytes alive now.
void reset_peak_tensor_bytes();

namespace detail {
void count_tensor_allocation(std::size_t bytes) noexcept;
void count_tensor_release(std::size_t bytes) noexcept;
}  // namespace detail

/// An allocator whose resize() leaves new floats uninitialised (value-initialisation would zero them):
/// kernels that overwrite every element of a fresh tensor need not pay for writing zeros first. Storage
/// starts on a kTensorAlignment boundary.
template <class T>
struct DefaultInitAllocator : std::allocator<T> {
    using value_type = T;
    T* allocate(std::size_t n) {
        T* p = static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{kTensorAlignment}));
        detail::count_tensor_allocation(n * sizeof(T));
        return p;
    }
    void deallocate(T* p, std::size_t n) noexcept {
        detail::count_tensor_release(n * sizeof(T));
        ::operator delete(p, n * sizeof(T), std::align_val_t{kTensorAlignment});
    }
    template <class U>
    struct rebind {
        using other = DefaultInitAllocator<U>;
    };
    DefaultInitAllocator() = default;
    template <class U>
    DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
    template <class U>
    void construct(U* p) noexcept {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};

/// A tensor's element storage.
using Storage = std::vector<float, DefaultInitAllocator<float>>;

/// "(2, 3, 4)"; "()" for rank 0.
std::string to_string(const Shape& shape);

/// Product of the dims; 1 for rank 0.
std::size_t element_count(const Shape& shape);

class Rng;

class Tensor {
public:
    static constexpr int kMaxRank = 4;

    /// An empty tensor: shape (0), no elements. Used for "no mask", "no bias".
    Tensor() : shape_{0} {}
    /// A tensor of the given shape filled with `fill`. Throws ShapeError on rank > 4 or a negative dim.
    explicit Tensor(Shape shape, float fill = 0.0f);
    /// A tensor of the given shape holding `values` in row-major order (their count must match).
    Tensor(Shape shape, std::vector<float> values);

    static Tensor zeros(Shape shape) { return Tensor(std::move(shape), 0.0f); }
    /// A tensor whose values are not initialised: only for code that writes every element next.
    static Tensor uninitialized(Shape shape);
    /// Independent N(mean, stddev^2) draws from `rng`.
    static Tensor randn(Shape shape, Rng& rng, float stddev = 1.0f, float mean = 0.0f);
    /// Independent U(low, high) draws from `rng`.
    static Tensor uniform(Shape shape, Rng& rng, float low, float high);

    const Shape& shape() const { return shape_; }
    int rank() const { return static_cast<int>(shape_.size()); }
    /// Size of dimension i; negative i counts from the end (dim(-1) is the last).
    int dim(int i) const;
    std::size_t size() const { return data_.size(); }
    bool empty() const { return data_.empty(); }

    float* data() { return data_.data(); }
    const float* data() const { return data_.data(); }
    Storage& values() { return data_; }
    const Storage& values() const { return data_; }
    float* begin() { return data_.data(); }
    float* end() { return data_.data() + data_.size(); }
    const float* begin() const { return data_.data(); }
    const float* end() const { return data_.data() + data_.size(); }

    /// Flat (row-major) element access, unchecked.
    float& operator[](std::size_t i) { return data_[i]; }
    float operator[](std::size_t i) const { return data_[i]; }

    /// Multi-index access; the number of indices must equal the rank. Unchecked in Release. The const
    /// forms return a reference too, so &t(b, i, 0) points at a row.
    float& operator()(int i) { return data_[static_cast<std::size_t>(i)]; }
    float& operator()(int i, int j) { return data_[offset(i, j)]; }
    float& operator()(int i, int j, int k) { return data_[offset(i, j, k)]; }
    float& operator()(int i, int j, int k, int l) { return data_[offset(i, j, k, l)]; }
    const float& operator()(int i) const { return data_[static_cast<std::size_t>(i)]; }
    const float& operator()(int i, int j) const { return data_[offset(i, j)]; }
    const float& operator()(int i, int j, int k) const { return data_[offset(i, j, k)]; }
    const float& operator()(int i, int j, int k, int l) const { return data_[offset(i, j, k, l)]; }

    /// The same values under another shape with the same element count.
    Tensor reshaped(Shape shape) const&;
    /// On a temporary the storage moves instead of being copied: f(x).reshaped(...) costs no copy.
    Tensor reshaped(Shape shape) &&;
    void reshape(Shape shape);
    void fill(float value);

private:
    std::size_t offset(int i, int j) const {
        return static_cast<std::size_t>(i) * shape_[1] + j;
    }
    std::size_t offset(int i, int j, int k) const {
        return (static_cast<std::size_t>(i) * shape_[1] + j) * shape_[2] + k;
    }
    std::size_t offset(int i, int j, int k, int l) const {
        return ((static_cast<std::size_t>(i) * shape_[1] + j) * shape_[2] + k) * shape_[3] + l;
    }

    Shape shape_;
    Storage data_;
};

/// Throws ShapeError "op: name (shape) must be expected (shape)" unless t has exactly that shape.
/// A -1 in `expected` matches any size.
void require_shape(const char* op, const char* name, const Tensor& t, const Shape& expected);

/// Throws ShapeError "op: name rank r, expected rank n" unless t has that rank.
void require_rank(const char* op, const char* name, const Tensor& t, int rank);

/// Throws ShapeError naming the op, both tensors and both shapes, with `why` appended,
/// e.g. "attention_forward: q (2, 3, 4) and k (2, 5, 8) disagree: q and k need the same feature size".
[[noreturn]] void shape_mismatch(const char* op, const char* name_a, const Tensor& a,
                                 const char* name_b, const Tensor& b, const std::string& why);

/// a (Na, ...) and b (Nb, ...) stacked along dim 0: (Na + Nb, ...), a's rows first (torch.cat([a, b])).
/// Throws ShapeError naming concat_rows unless the shapes agree after dim 0.
Tensor concat_rows(const Tensor& a, const Tensor& b);

/// Rows [begin, end) of x along dim 0: (N, ...) -> (end - begin, ...). Throws ShapeError naming
/// slice_rows unless 0 <= begin <= end <= N.
Tensor slice_rows(const Tensor& x, int begin, int end);

/// The rows `indices` of x along dim 0, in that order: (N, ...) -> (indices.size(), ...).
/// Throws ShapeError naming take_rows for an index outside [0, N).
Tensor take_rows(const Tensor& x, const std::vector<int>& indices);

}  // namespace wb
