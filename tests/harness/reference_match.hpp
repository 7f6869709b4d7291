// The judge's comparison of a learner's value with the reference's, on inputs drawn for one course run
// (EXPECT_MATCHES_REFERENCE, tests/harness/graded.hpp). Any value that can be handed over can be matched:
// tensors and floating-point numbers within a tolerance, everything else exactly, containers and plain
// structs member by member. The message names the first part that differs.
#pragma once
#include <cmath>
#include <cstddef>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include <gtest/gtest.h>

#include "framework/tensor.hpp"
#include "tests/harness/handover.hpp"

namespace wb::grading {

struct Tolerance;
::testing::AssertionResult tensors_near(const char* got_expr, const char* expected_expr, const char* tol_expr,
                                        const Tensor& got, const Tensor& expected, Tolerance tol);

namespace detail {

template <class T>
std::string shown(const T& v) {
    std::ostringstream out;
    out.precision(7);
    if constexpr (std::is_same_v<T, std::string>) out << '"' << v.substr(0, 80) << (v.size() > 80 ? "...\"" : "\"");
    else if constexpr (std::is_enum_v<T>) out << static_cast<long long>(v);
    else if constexpr (std::is_same_v<T, bool>) out << (v ? "true" : "false");
    else if constexpr (std::is_integral_v<T>) out << static_cast<long long>(v);
    else out << v;
    return out.str();
}

/// "" when got matches the reference; else what differs first, `path` naming the part.
template <class T, class Tol>
std::string mismatch(const T& got, const T& reference, const Tol& tol, const std::string& path) {
    if constexpr (std::is_same_v<T, Tensor>) {
        const std::string got_name = "your value" + path, reference_name = "the reference's";
        const auto near = tensors_near(got_name.c_str(), reference_name.c_str(), "", got, reference, tol);
        return near ? "" : near.message();
    } else if constexpr (std::is_floating_point_v<T>) {
        const double g = got, e = reference;
        if ((std::isnan(g) && std::isnan(e)) || std::abs(g - e) <= tol.abs + tol.rel * std::abs(e)) return "";
        return "your value" + path + " is " + shown(got) + ", the reference's " + shown(reference) +
               " (tolerance abs " + shown(tol.abs) + " + rel " + shown(tol.rel) + ")";
    } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T> || std::is_same_v<T, std::string>) {
        if (got == reference) return "";
        return "your value" + path + " is " + shown(got) + ", the reference's " + shown(reference);
    } else if constexpr (handover::detail::is_vector<T>::value) {
        if (got.size() != reference.size())
            return "your value" + path + " has " + std::to_string(got.size()) + " elements, the reference's " +
                   std::to_string(reference.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            using E = typename T::value_type;
            const std::string m = mismatch<E>(got[i], reference[i], tol, path + "[" + std::to_string(i) + "]");
            if (!m.empty()) return m;
        }
        return "";
    } else if constexpr (handover::detail::is_optional<T>::value) {
        if (got.has_value() != reference.has_value())
            return "your value" + path + (got ? " holds a value" : " is empty") + ", the reference's " +
                   (reference ? "holds one" : "is empty");
        return got ? mismatch(*got, *reference, tol, path) : "";
    } else if constexpr (handover::detail::is_tuple_like<T>::value) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            std::string m;
            ((m.empty() ? (m = mismatch(std::get<I>(got), std::get<I>(reference), tol,
                                        path + "<" + std::to_string(I) + ">")), 0 : 0), ...);
            return m;
        }(std::make_index_sequence<std::tuple_size_v<T>>{});
    } else {
        auto g = handover::detail::fields(const_cast<T&>(got));
        auto e = handover::detail::fields(const_cast<T&>(reference));
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            std::string m;
            ((m.empty() ? (m = mismatch(std::get<I>(g), std::get<I>(e), tol,
                                        path + ".field" + std::to_string(I))), 0 : 0), ...);
            return m;
        }(std::make_index_sequence<std::tuple_size_v<decltype(g)>>{});
    }
}

}  // namespace detail

/// The check of EXPECT_MATCHES_REFERENCE: got (the learner's value of `expr`) against the reference's.
template <class T, class Tol>
::testing::AssertionResult matches_reference(const char* expr, const T& got, const T& reference, const Tol& tol) {
    const std::string m = detail::mismatch(got, reference, tol, "");
    if (m.empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "on inputs drawn for this run, " << expr
                                         << " does not match the reference: " << m;
}

}  // namespace wb::grading
