// Attack: no softmax at all, a lookup table. A solution was run once on the handout's graded tests and the
// fingerprint of every input softmax and masked_softmax were given was kept (a class could pass such a
// table around); on those inputs it answers right, on any other it guesses uniform rows. The masks are
// honest index code. On the fixed cases it earns Softmax's and MaskedSoftmax's points; in course mode the
// unseen inputs miss the table and the exercises' points are held.
// unseen: yes
// earns-without-unseen: yes
// expect: held failed not_attempted
#include "chapters/01_attention/softmax.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

namespace wb {
namespace {

std::uint64_t fnv(std::uint64_t h, const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

std::uint64_t fingerprint(const Tensor& x, const Mask* mask) {
    std::uint64_t h = 1469598103934665603ull;
    for (int d : x.shape()) h = fnv(h, &d, sizeof d);
    h = fnv(h, x.data(), x.size() * sizeof(float));
    if (mask) {
        for (int d : mask->shape) h = fnv(h, &d, sizeof d);
        h = fnv(h, mask->allowed.data(), mask->allowed.size());
    }
    return h;
}

// The table: inputs the graded tests use (recorded from a working solution's run).
constexpr std::uint64_t kSeen[] = {
    0x06600bef9e80e4d3ull,
    0x0e4c338386f58785ull,
    0x13bd07be42f8cb7dull,
    0x15222511f33f4f8dull,
    0x280c49e0dcad92e4ull,
    0x491e1d86c3d607adull,
    0x5e78f9ef1b3fe461ull,
    0x6bb81e4947ff6ad0ull,
    0x6f37d585d0a472bbull,
    0x86af9b97ce587948ull,
    0xab260699b040dbb8ull,
    0xbe49cbd2fcdbd25dull,
    0xd8e649fbf22d415cull,
    0xf225b4a1ec49b298ull,
};

bool seen(std::uint64_t h) {
    return std::find(std::begin(kSeen), std::end(kSeen), h) != std::end(kSeen);
}

Tensor rows_of(const Tensor& x, const Mask* mask) {
    // What the recorded solution answered; a table would hold these values, computed here from the inputs.
    const int cols = x.dim(-1), T = x.rank() >= 2 ? x.dim(-2) : 1;
    Tensor p(x.shape());
    for (std::size_t r = 0; r < x.size() / cols; ++r) {
        const int b = static_cast<int>(r / T), t = static_cast<int>(r % T);
        float m = -INFINITY, sum = 0.0f;
        for (int j = 0; j < cols; ++j)
            if (!mask || mask->empty() || mask->allows(b, t, j)) m = std::max(m, x[r * cols + j]);
        for (int j = 0; j < cols; ++j) {
            const bool ok = !mask || mask->empty() || mask->allows(b, t, j);
            p[r * cols + j] = ok ? std::exp(x[r * cols + j] - m) : 0.0f;
            sum += p[r * cols + j];
        }
        for (int j = 0; j < cols; ++j) p[r * cols + j] = sum > 0 ? p[r * cols + j] / sum : 0.0f;
    }
    return p;
}

Tensor guess(const Tensor& x) {
    Tensor p(x.shape());
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = 1.0f / static_cast<float>(x.dim(-1));
    return p;
}

}  // namespace

Tensor softmax(const Tensor& x) {
    if (x.rank() == 0 || x.empty()) throw ShapeError("softmax: x has shape () (an empty tensor)");
    return seen(fingerprint(x, nullptr)) ? rows_of(x, nullptr) : guess(x);
}

Mask causal_mask(int T, int S) {
    if (T <= 0 || S <= 0) throw ShapeError("causal_mask: T and S must be positive");
    Mask m{{T, S}, std::vector<std::uint8_t>(static_cast<std::size_t>(T) * S, 0)};
    for (int t = 0; t < T; ++t)
        for (int s = 0; s <= std::min(t, S - 1); ++s) m.allowed[static_cast<std::size_t>(t) * S + s] = 1;
    return m;
}

Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) {
    if (T <= 0 || S <= 0) throw ShapeError("padding_mask: T and S must be positive");
    const int B = static_cast<int>(key_lengths.size());
    Mask m{{B, T, S}, std::vector<std::uint8_t>(static_cast<std::size_t>(B) * T * S, 0)};
    for (int b = 0; b < B; ++b) {
        if (key_lengths[b] < 0 || key_lengths[b] > S) throw ShapeError("padding_mask: a key length is outside [0, S]");
        for (int t = 0; t < T; ++t)
            for (int s = 0; s < key_lengths[b]; ++s) m.allowed[(static_cast<std::size_t>(b) * T + t) * S + s] = 1;
    }
    return m;
}

Tensor masked_softmax(const Tensor& scores, const Mask& mask) {
    if (scores.rank() != 3) throw ShapeError("masked_softmax: scores must be (B, T, S), got " + to_string(scores.shape()));
    const bool fits = mask.empty() || (mask.shape.size() == 2 && mask.shape[0] == scores.dim(1) && mask.shape[1] == scores.dim(2)) ||
                      (mask.shape.size() == 3 && mask.shape[0] == scores.dim(0) && mask.shape[1] == scores.dim(1) &&
                       mask.shape[2] == scores.dim(2));
    if (!fits) throw ShapeError("masked_softmax: mask " + to_string(mask.shape) + " does not fit scores " + to_string(scores.shape()));
    return seen(fingerprint(scores, &mask)) ? rows_of(scores, &mask) : guess(scores);
}

}  // namespace wb
