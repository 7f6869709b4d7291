#include <gtest/gtest.h>

#include <cstdint>

#include "framework/layers.hpp"
#include "framework/random.hpp"
#include "framework/tensor.hpp"

using namespace wb;

TEST(Tensor, StoresRowMajorAndIndexes) {
    Tensor t({2, 3}, {1, 2, 3, 4, 5, 6});
    EXPECT_EQ(t.rank(), 2);
    EXPECT_EQ(t.dim(-1), 3);
    EXPECT_EQ(t(1, 0), 4.0f);
    Tensor u({2, 2, 2, 2});
    u(1, 0, 1, 1) = 7.0f;
    EXPECT_EQ(u[8 + 2 + 1], 7.0f);
}

TEST(Tensor, WrongValueCountNamesShape) {
    try {
        Tensor t({2, 3}, {1, 2});
        FAIL() << "expected ShapeError";
    } catch (const ShapeError& e) {
        EXPECT_NE(std::string(e.what()).find("(2, 3)"), std::string::npos) << e.what();
    }
}

TEST(Tensor, RejectsRankAboveFour) { EXPECT_THROW(Tensor({1, 1, 1, 1, 1}), ShapeError); }

TEST(Tensor, ReshapeKeepsValuesAndChecksCount) {
    Tensor t({2, 3}, {1, 2, 3, 4, 5, 6});
    EXPECT_EQ(t.reshaped({3, 2})(2, 1), 6.0f);
    EXPECT_THROW(t.reshape({4, 2}), ShapeError);
}

TEST(Tensor, ReshapedTemporaryMovesItsStorageAndLvalueKeepsItsOwn) {
    Tensor t({2, 3}, {1, 2, 3, 4, 5, 6});
    const Tensor copy = t.reshaped({6});
    EXPECT_EQ(t.shape(), (Shape{2, 3}));  // the lvalue is untouched
    EXPECT_NE(copy.data(), t.data());
    const float* storage = t.data();
    const Tensor moved = std::move(t).reshaped({3, 2});
    EXPECT_EQ(moved.data(), storage);  // no copy
    EXPECT_EQ(moved.shape(), (Shape{3, 2}));
    EXPECT_EQ(moved(2, 1), 6.0f);
    EXPECT_THROW(Tensor({2, 3}).reshaped({5}), ShapeError);
}

TEST(Tensor, RequireShapeNamesOpAndBothShapes) {
    Tensor t({2, 3});
    try {
        require_shape("my_op", "x", t, {2, 4});
        FAIL();
    } catch (const ShapeError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("my_op"), std::string::npos);
        EXPECT_NE(m.find("(2, 3)"), std::string::npos);
        EXPECT_NE(m.find("(2, 4)"), std::string::npos);
    }
    EXPECT_NO_THROW(require_shape("my_op", "x", t, {-1, 3}));
}

TEST(Tensor, ShapeMismatchNamesBothTensors) {
    try {
        shape_mismatch("matmul", "a", Tensor({2, 3}), "b", Tensor({4, 5}), "inner sizes differ");
    } catch (const ShapeError& e) {
        EXPECT_STREQ(e.what(), "matmul: a (2, 3) and b (4, 5) disagree: inner sizes differ");
    }
}

TEST(Random, SameSeedSameNumbers) {
    Rng a(42), b(42), c(43);
    const Tensor x = Tensor::randn({100}, a), y = Tensor::randn({100}, b), z = Tensor::randn({100}, c);
    EXPECT_EQ(x.values(), y.values());
    EXPECT_NE(x.values(), z.values());
}

TEST(Random, NormalHasUnitMoments) {
    Rng rng(1);
    const Tensor x = Tensor::randn({200000}, rng);
    double mean = 0, sq = 0;
    for (float v : x) mean += v;
    mean /= x.size();
    for (float v : x) sq += (v - mean) * (v - mean);
    EXPECT_NEAR(mean, 0.0, 0.01);
    EXPECT_NEAR(sq / x.size(), 1.0, 0.01);
}

static double variance(const Tensor& t) {
    double s = 0;
    for (float v : t) s += static_cast<double>(v) * v;
    return s / t.size();
}

TEST(Random, InitialisersHaveTheirDefinedVariance) {
    Rng rng(2);
    // Dense (out=300, in=200): glorot var 2/(200+300); he var 2/200.
    EXPECT_NEAR(variance(glorot_uniform({300, 200}, rng)), 2.0 / 500, 2.0 / 500 * 0.03);
    EXPECT_NEAR(variance(glorot_normal({300, 200}, rng)), 2.0 / 500, 2.0 / 500 * 0.03);
    EXPECT_NEAR(variance(he_normal({300, 200}, rng)), 2.0 / 200, 2.0 / 200 * 0.03);
    EXPECT_NEAR(variance(he_uniform({300, 200}, rng)), 2.0 / 200, 2.0 / 200 * 0.03);
    // Conv (F=32, C=3, 3, 3): fan_in = 27, fan_out = 288, as PyTorch computes them.
    const Fans f = fans_of({32, 3, 3, 3});
    EXPECT_EQ(f.fan_in, 27);
    EXPECT_EQ(f.fan_out, 288);
    const Tensor w = glorot_uniform({32, 3, 3, 3}, rng);
    const float limit = std::sqrt(6.0f / (27 + 288));
    for (float v : w) EXPECT_LE(std::abs(v), limit);
}

TEST(Tensor, ConcatAndSliceRowsRoundTrip) {
    const Tensor a({2, 3}, {1, 2, 3, 4, 5, 6}), b({1, 3}, {7, 8, 9});
    const Tensor both = concat_rows(a, b);
    ASSERT_EQ(both.shape(), (Shape{3, 3}));
    EXPECT_EQ(both(2, 0), 7.0f);
    EXPECT_EQ(both(1, 2), 6.0f);
    const Tensor back = slice_rows(both, 0, 2), tail = slice_rows(both, 2, 3);
    EXPECT_EQ(back.values(), a.values());
    EXPECT_EQ(tail.values(), b.values());
    EXPECT_EQ(slice_rows(both, 1, 1).shape(), (Shape{0, 3}));
    EXPECT_THROW(concat_rows(a, Tensor({1, 4})), ShapeError);
    EXPECT_THROW(slice_rows(both, 2, 4), ShapeError);
    EXPECT_THROW(slice_rows(both, 2, 1), ShapeError);
}

TEST(Tensor, StorageStartsOnACacheLine) {
    // Vectorised sums split an unaligned head from aligned packets by address: the same seed gave other bits
    // after unrelated changes moved the heap. Every tensor, whatever its size, starts on 64 bytes.
    std::vector<wb::Tensor> kept;
    for (int n : {1, 3, 17, 1000, 4097}) {
        kept.emplace_back(wb::Shape{n});
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(kept.back().data()) % wb::kTensorAlignment, 0u) << "size " << n;
        const wb::Tensor copy = kept.back();
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(copy.data()) % wb::kTensorAlignment, 0u) << "a copy, size " << n;
    }
}

TEST(TensorBytes, CountsLiveAndPeakStorage) {
    const std::size_t before = live_tensor_bytes();
    reset_peak_tensor_bytes();
    EXPECT_EQ(peak_tensor_bytes(), before);
    {
        Tensor a({10, 10});                 // 400 bytes
        Tensor b = a;                       // a copy holds its own 400
        EXPECT_EQ(live_tensor_bytes(), before + 800);
        Tensor c = std::move(b);            // a move allocates nothing
        EXPECT_EQ(live_tensor_bytes(), before + 800);
        a = Tensor();                       // freed
        EXPECT_EQ(live_tensor_bytes(), before + 400);
        Tensor d({25});                     // 100 more: the peak stays at 800
        EXPECT_EQ(peak_tensor_bytes(), before + 800);
    }
    EXPECT_EQ(live_tensor_bytes(), before);
    EXPECT_EQ(peak_tensor_bytes(), before + 800);
    reset_peak_tensor_bytes();
    EXPECT_EQ(peak_tensor_bytes(), before);
}

TEST(TensorBytes, ReleaseActivationsFreesWhatForwardKept) {
    Rng rng(3);
    Dense dense(8, 8, rng);
    const Tensor x = Tensor::randn({4, 8}, rng);
    Tensor y = dense.forward(x);
    const std::size_t held = live_tensor_bytes();
    dense.release_activations();
    EXPECT_EQ(live_tensor_bytes(), held - 4 * 8 * sizeof(float)) << "Dense keeps its input, (4, 8) floats";
    EXPECT_THROW(dense.backward(y), ShapeError) << "backward needs a forward again after a release";
    dense.forward(x);
    EXPECT_NO_THROW(dense.backward(y));
}
