// The hand-over between the two processes of a judged graded test (docs/grading.md, "Two processes").
//
// The learner's process runs a test body with the learner's code linked and writes, in order, every
// value that a LEARNER(...) expression produced: that is all it hands over. The judge's process runs
// the same body with no learner code linked at all; each LEARNER(...) there reads the next handed-over
// value instead of computing it, and every check, expected value and verdict stays on the judge's side.
//
// Wire format, a sequence of records: kind (1 byte), then by kind
//   'V' a value:  line (u32), type (u64 hash of its C++ type), size (u64), payload (size bytes)
//   'E' the body finished            'S' a stub: function name (string)
//   'X' an exception: its message (string)
// A string is u64 size then bytes; numbers are little-endian. The judge trusts none of it: every read is
// bounds-checked and a malformed stream is a failed test, never a crash of the judge.
//
// What can be handed over: arithmetic types, enums, bool, std::string, std::vector, std::array,
// std::pair, std::tuple, std::optional, wb::Tensor, and any aggregate of those (a plain struct such as
// AttentionCache: its fields are found by structured binding, no declaration needed). A class with
// private state (a model, a layer, an optimizer) cannot be: compute what the test checks inside the
// LEARNER block and hand over that (a tensor of outputs, a loss, a parameter count).
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <functional>
#include <typeinfo>
#include <utility>
#include <vector>

#include "framework/tensor.hpp"

namespace wb::handover {

/// A stream the judge cannot read as values of the test: it ends early, is malformed or out of step.
class StreamError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Writer {
public:
    void bytes(const void* p, std::size_t n) {
        if (n > 0) out_.append(static_cast<const char*>(p), n);  // an empty tensor's data() may be null
    }
    template <class T>
    void number(T v) {
        static_assert(std::is_arithmetic_v<T>);
        bytes(&v, sizeof v);
    }
    void size(std::size_t n) { number<std::uint64_t>(n); }
    std::string& str() { return out_; }

private:
    std::string out_;
};

class Reader {
public:
    Reader(const char* data, std::size_t size) : data_(data), size_(size) {}
    void bytes(void* p, std::size_t n) {
        if (n > size_ - pos_) throw StreamError("a value ends early");
        if (n == 0) return;  // an empty tensor's data() may be null
        std::memcpy(p, data_ + pos_, n);
        pos_ += n;
    }
    template <class T>
    T number() {
        T v;
        bytes(&v, sizeof v);
        return v;
    }
    /// A count of elements of at least `min_bytes` (>= 1) each: never more than the bytes left can hold.
    std::size_t count(std::size_t min_bytes) {
        const auto n = number<std::uint64_t>();
        if (n > (size_ - pos_) / min_bytes) throw StreamError("a length larger than the value");
        return static_cast<std::size_t>(n);
    }
    std::size_t left() const { return size_ - pos_; }

private:
    const char* data_;
    std::size_t size_, pos_ = 0;
};

// ---- aggregates: their fields by structured binding --------------------------------------------

namespace detail {
struct AnyField {
    template <class T>
    operator T() const;  // never defined: used in unevaluated operands only
};
template <class T, std::size_t... I>
constexpr bool brace_constructible(std::index_sequence<I...>) {
    return requires { T{((void)I, AnyField{})...}; };
}
template <class T, std::size_t N = 12>
constexpr std::size_t field_count() {
    if constexpr (N == 0) return 0;
    else if constexpr (brace_constructible<T>(std::make_index_sequence<N>{})) return N;
    else return field_count<T, N - 1>();
}
// A count that is too small (a field the probe cannot convert to) makes the binding below ill-formed:
// a compile error, never a silently dropped field.
template <class T>
auto fields(T& t) {
    constexpr std::size_t n = field_count<std::remove_const_t<T>>();
    static_assert(n >= 1 && n <= 12, "this struct cannot be handed over: hand over its fields");
    if constexpr (n == 1) { auto& [a] = t; return std::tie(a); }
    else if constexpr (n == 2) { auto& [a, b] = t; return std::tie(a, b); }
    else if constexpr (n == 3) { auto& [a, b, c] = t; return std::tie(a, b, c); }
    else if constexpr (n == 4) { auto& [a, b, c, d] = t; return std::tie(a, b, c, d); }
    else if constexpr (n == 5) { auto& [a, b, c, d, e] = t; return std::tie(a, b, c, d, e); }
    else if constexpr (n == 6) { auto& [a, b, c, d, e, f] = t; return std::tie(a, b, c, d, e, f); }
    else if constexpr (n == 7) { auto& [a, b, c, d, e, f, g] = t; return std::tie(a, b, c, d, e, f, g); }
    else if constexpr (n == 8) { auto& [a, b, c, d, e, f, g, h] = t; return std::tie(a, b, c, d, e, f, g, h); }
    else if constexpr (n == 9) { auto& [a, b, c, d, e, f, g, h, i] = t; return std::tie(a, b, c, d, e, f, g, h, i); }
    else if constexpr (n == 10) { auto& [a, b, c, d, e, f, g, h, i, j] = t; return std::tie(a, b, c, d, e, f, g, h, i, j); }
    else if constexpr (n == 11) { auto& [a, b, c, d, e, f, g, h, i, j, k] = t; return std::tie(a, b, c, d, e, f, g, h, i, j, k); }
    else { auto& [a, b, c, d, e, f, g, h, i, j, k, l] = t; return std::tie(a, b, c, d, e, f, g, h, i, j, k, l); }
}
template <class T> struct is_vector : std::false_type {};
template <class T, class A> struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_tuple_like : std::false_type {};
template <class... T> struct is_tuple_like<std::tuple<T...>> : std::true_type {};
template <class A, class B> struct is_tuple_like<std::pair<A, B>> : std::true_type {};
template <class T, std::size_t N> struct is_tuple_like<std::array<T, N>> : std::true_type {};
}  // namespace detail

template <class T>
void encode(Writer& w, const T& v);
template <class T>
void decode(Reader& r, T& v);

template <class T>
void encode(Writer& w, const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
        w.number<std::uint8_t>(v ? 1 : 0);
    } else if constexpr (std::is_arithmetic_v<T>) {
        w.number<T>(v);
    } else if constexpr (std::is_enum_v<T>) {
        w.number<std::underlying_type_t<T>>(static_cast<std::underlying_type_t<T>>(v));
    } else if constexpr (std::is_same_v<T, std::string>) {
        w.size(v.size());
        w.bytes(v.data(), v.size());
    } else if constexpr (std::is_same_v<T, Tensor>) {
        encode(w, v.shape());
        w.size(v.size());
        w.bytes(v.data(), v.size() * sizeof(float));
    } else if constexpr (detail::is_vector<T>::value) {
        w.size(v.size());
        for (const auto& x : v) encode(w, static_cast<const typename T::value_type&>(x));
    } else if constexpr (detail::is_optional<T>::value) {
        encode(w, v.has_value());
        if (v) encode(w, *v);
    } else if constexpr (detail::is_tuple_like<T>::value) {
        std::apply([&](const auto&... x) { (encode(w, x), ...); }, v);
    } else {
        static_assert(std::is_aggregate_v<T>, "this type cannot be handed over: hand over its outputs instead");
        std::apply([&](const auto&... x) { (encode(w, x), ...); }, detail::fields(const_cast<T&>(v)));
    }
}

template <class T>
void decode(Reader& r, T& v) {
    if constexpr (std::is_same_v<T, bool>) {
        const auto b = r.number<std::uint8_t>();
        if (b > 1) throw StreamError("a bool that is neither 0 nor 1");
        v = b == 1;
    } else if constexpr (std::is_arithmetic_v<T>) {
        v = r.number<T>();
    } else if constexpr (std::is_enum_v<T>) {
        v = static_cast<T>(r.number<std::underlying_type_t<T>>());
    } else if constexpr (std::is_same_v<T, std::string>) {
        v.resize(r.count(1));
        r.bytes(v.data(), v.size());
    } else if constexpr (std::is_same_v<T, Tensor>) {
        Shape shape;
        decode(r, shape);
        const std::size_t n = r.count(sizeof(float));
        if (shape.size() > static_cast<std::size_t>(Tensor::kMaxRank)) throw StreamError("a tensor of rank above 4");
        std::size_t product = 1;
        for (int d : shape) {
            if (d < 0 || (d > 0 && product > (std::size_t{1} << 40) / static_cast<std::size_t>(d)))
                throw StreamError("a tensor with an impossible shape");
            product *= static_cast<std::size_t>(d);
        }
        if (product != n) throw StreamError("a tensor whose shape does not match its values");
        std::vector<float> values(n);
        r.bytes(values.data(), n * sizeof(float));
        v = Tensor(std::move(shape), std::move(values));
    } else if constexpr (detail::is_vector<T>::value) {
        const std::size_t n = r.count(std::is_arithmetic_v<typename T::value_type> ? sizeof(typename T::value_type) : 1);
        v.clear();
        v.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            typename T::value_type x{};
            decode(r, x);
            v.push_back(std::move(x));
        }
    } else if constexpr (detail::is_optional<T>::value) {
        bool has = false;
        decode(r, has);
        v.reset();
        if (has) {
            typename T::value_type x{};
            decode(r, x);
            v = std::move(x);
        }
    } else if constexpr (detail::is_tuple_like<T>::value) {
        std::apply([&](auto&... x) { (decode(r, x), ...); }, v);
    } else {
        static_assert(std::is_aggregate_v<T>, "this type cannot be handed over: hand over its outputs instead");
        std::apply([&](auto&... x) { (decode(r, x), ...); }, detail::fields(v));
    }
}

/// A name for the type that both sides agree on (the judge refuses a value of another type).
std::uint64_t type_id(const std::type_info& type);

// ---- the learner's side ------------------------------------------------------------------------

/// Writes one value record (learner's process).
void send_value(unsigned line, std::uint64_t type, const std::string& payload);

/// How many LEARNER expressions are being computed right now: only the outermost one hands its value
/// over, since the judge never evaluates what is inside a LEARNER(...), nested ones included.
inline int& nesting() {
    static int depth = 0;
    return depth;
}

template <class T>
T hand_over(unsigned line, T&& value) {
    using V = std::decay_t<T>;
    Writer w;
    encode(w, static_cast<const V&>(value));
    send_value(line, type_id(typeid(V)), w.str());
    return std::forward<T>(value);
}

/// LEARNER(expr) on the learner's side: computes expr (as f()) and hands its value over unless it is
/// nested inside another LEARNER(...).
template <class F>
std::decay_t<std::invoke_result_t<F&>> hand_over_result(unsigned line, F&& f) {
    using V = std::decay_t<std::invoke_result_t<F&>>;
    struct Level {
        Level() { ++nesting(); }
        ~Level() { --nesting(); }
    };
    V value = [&] {
        Level level;
        return V(f());
    }();
    if (nesting() == 0) hand_over(line, static_cast<const V&>(value));
    return value;
}

/// For LEARNER(expr) where expr is void: a record without payload, so that both sides count alike.
struct Done {};
inline Done hand_over_void(unsigned line) {
    send_value(line, type_id(typeid(Done)), {});
    return {};
}

// ---- the judge's side --------------------------------------------------------------------------

/// A fault of the grader, not of the learner's code: the reference's run of an unseen-input test is missing
/// or cannot be matched. Reported as such, never as the learner's exception.
class GraderFault : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Why the judge could not read the next value (the test cannot go on).
class LearnerStopped : public std::exception {
public:
    enum Kind { stub, threw, ended, malformed };
    LearnerStopped(Kind kind, std::string detail) : kind_(kind), detail_(std::move(detail)) {}
    Kind kind() const { return kind_; }
    const std::string& detail() const { return detail_; }
    const char* what() const noexcept override { return detail_.c_str(); }

private:
    Kind kind_;
    std::string detail_;
};

/// The payload of the next value record, which must come from `line` and have type `type`.
/// Throws LearnerStopped when the next record is not such a value.
std::string receive_value(unsigned line, std::uint64_t type);

template <class T>
T take_over(unsigned line) {
    if constexpr (std::is_void_v<T>) {
        receive_value(line, type_id(typeid(Done)));
    } else {
        const std::string payload = receive_value(line, type_id(typeid(T)));
        Reader r(payload.data(), payload.size());
        T value{};
        try {
            decode(r, value);
        } catch (const StreamError& e) {
            throw LearnerStopped(LearnerStopped::malformed, std::string("a malformed value at line ") +
                                                                std::to_string(line) + ": " + e.what());
        }
        if (r.left() != 0) throw LearnerStopped(LearnerStopped::malformed, "a value longer than its type at line " + std::to_string(line));
        return value;
    }
}

/// The reference's payload of the value record just taken over (when a reference run is loaded: every
/// take_over then reads the reference's record of the same line too, so the two streams stay in step).
std::string receive_reference(unsigned line, std::uint64_t type);
const std::string& last_reference_value();
bool reference_loaded();

/// EXPECT_MATCHES_REFERENCE on the judge's side: the learner's value of `line` and the reference's, computed
/// by the reference code on the same drawn inputs.
template <class T>
std::pair<T, T> take_over_with_reference(unsigned line) {
    if (!reference_loaded()) throw GraderFault("the grader has no reference run of this test to match line " + std::to_string(line));
    T got = take_over<T>(line);
    const std::string& payload = last_reference_value();
    Reader r(payload.data(), payload.size());
    T reference{};
    try {
        decode(r, reference);
    } catch (const StreamError& e) {
        throw GraderFault(std::string("the reference's value of line ") + std::to_string(line) + " cannot be read: " + e.what());
    }
    return {std::move(got), std::move(reference)};
}

/// What EXPECT_SHAPE_ERROR and EXPECT_THROW hand over: whether the statement threw, and what.
struct ThrowOutcome {
    int kind = 0;         ///< 0: nothing thrown, 1: the expected type
    std::string message;  ///< its what(), when thrown
};

}  // namespace wb::handover
