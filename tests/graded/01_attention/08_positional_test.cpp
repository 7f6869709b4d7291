// Graded tests for exercise PositionalEncoding. Golden: tests/fixtures/01_attention/positional.wbt.
#include <cmath>

#include "chapters/01_attention/positional.hpp"
#include "tests/harness/fixtures.hpp"
#include "tests/harness/graded.hpp"

using namespace wb;

GRADED_TEST(PositionalEncoding, FirstRowsByHand, 1, "Position 0 is [sin 0, cos 0, ...] = [0, 1, 0, 1, ...].") {
    const Tensor pe = LEARNER(sinusoidal_positions(2, 4));
    // p = 1: pair 0 has frequency 1, pair 1 has frequency 10000^(-2/4) = 0.01
    EXPECT_TENSOR_NEAR(pe, Tensor({2, 4}, {0, 1, 0, 1, std::sin(1.0f), std::cos(1.0f), std::sin(0.01f), std::cos(0.01f)}),
                       tol::kExact);
}

GRADED_TEST(PositionalEncoding, MatchesReference, 2,
            "Columns 2i and 2i+1 share the frequency 10000^(-2i/D); sin goes in the even column.") {
    const auto g = fixtures::load("01_attention", "positional");
    EXPECT_TENSOR_NEAR(LEARNER(sinusoidal_positions(12, 16)), g["pe"], tol::kForward);
}

GRADED_TEST(PositionalEncoding, RejectsOddOrEmptySizes, 1, "D must be even and positive, T positive: throw ShapeError.") {
    EXPECT_SHAPE_ERROR(sinusoidal_positions(4, 5), "sinusoidal_positions");
    EXPECT_SHAPE_ERROR(sinusoidal_positions(0, 4), "sinusoidal_positions");
}
