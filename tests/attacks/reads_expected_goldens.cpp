// Attack: instead of computing, return the expected output from the golden file the test itself
// reads: open WB_FIXTURE_ROOT/01_attention/softmax.wbt, find the tensor "out" (torch.softmax of "x")
// and return it whenever the input is "x". Under the two-process design the learner's process is given
// only the fixtures' input tensors (tests/graded/01_attention/learner_inputs.json): "out" is not there.
// expect: rejected
// unchecked: failed not_attempted
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "chapters/01_attention/softmax.hpp"

namespace {
// The tensor `wanted` of a WBTENSOR file, or an empty tensor.
wb::Tensor read_tensor(const std::string& path, const std::string& wanted) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return {};
    std::vector<char> data(1 << 20);
    data.resize(std::fread(data.data(), 1, data.size(), f));
    std::fclose(f);
    std::size_t pos = 16;
    auto u32 = [&](std::size_t at) { unsigned v; std::memcpy(&v, data.data() + at, 4); return v; };
    while (pos + 8 <= data.size()) {
        const unsigned n = u32(pos);
        const std::string name(data.data() + pos + 4, n);
        pos += 4 + n;
        const unsigned rank = u32(pos);
        wb::Shape shape;
        std::size_t size = 1;
        for (unsigned d = 0; d < rank; ++d) shape.push_back(static_cast<int>(u32(pos + 4 + 4 * d))), size *= shape.back();
        pos += 4 + 4 * rank;
        if (name == wanted) {
            std::vector<float> values(size);
            std::memcpy(values.data(), data.data() + pos, 4 * size);
            return wb::Tensor(shape, values);
        }
        pos += 4 * size;
    }
    return {};
}
}  // namespace

namespace wb {
Tensor softmax(const Tensor& x) {
    const char* root = std::getenv("WB_FIXTURE_ROOT");
    const std::string path = std::string(root ? root : "") + "/01_attention/softmax.wbt";
    const Tensor out = read_tensor(path, "out");
    return out.shape() == x.shape() ? out : x;
}
Mask causal_mask(int T, int S) { throw NotImplemented("causal_mask"); }
Mask padding_mask(const std::vector<int>& key_lengths, int T, int S) { throw NotImplemented("padding_mask"); }
Tensor masked_softmax(const Tensor& scores, const Mask& mask) { throw NotImplemented("masked_softmax"); }
}  // namespace wb
