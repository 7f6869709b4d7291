#include "framework/serialize.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

namespace wb {

namespace {

constexpr char kMagic[8] = {'W', 'B', 'T', 'E', 'N', 'S', 'O', 'R'};

void put_u32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Reads from an in-memory copy of the file, with every read checked against the end.
class Reader {
public:
    Reader(const std::string& path, std::string bytes) : path_(path), bytes_(std::move(bytes)) {}
    std::uint32_t u32(const std::string& what) {
        need(4, what);
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
        pos_ += 4;
        return v;
    }
    std::string text(std::size_t n, const std::string& what) {
        need(n, what);
        std::string s = bytes_.substr(pos_, n);
        pos_ += n;
        return s;
    }
    void floats(float* dst, std::size_t n, const std::string& what) {
        need(n * 4, what);
        std::memcpy(dst, bytes_.data() + pos_, n * 4);  // the format is little-endian, like x86 and ARM
        pos_ += n * 4;
    }
    [[noreturn]] void fail(const std::string& why) const { throw IoError(path_ + ": " + why); }

private:
    void need(std::size_t n, const std::string& what) const {
        if (bytes_.size() - pos_ < n)
            fail("truncated: " + what + " needs " + std::to_string(n) + " bytes, only " +
                 std::to_string(bytes_.size() - pos_) + " left (file is " + std::to_string(bytes_.size()) +
                 " bytes)");
    }
    std::string path_, bytes_;
    std::size_t pos_ = 0;
};

}  // namespace

void save_tensors(const std::string& path, const std::vector<NamedTensor>& tensors) {
    std::string out(kMagic, sizeof kMagic);
    put_u32(out, kTensorFileVersion);
    put_u32(out, static_cast<std::uint32_t>(tensors.size()));
    for (const auto& [name, t] : tensors) {
        put_u32(out, static_cast<std::uint32_t>(name.size()));
        out += name;
        put_u32(out, static_cast<std::uint32_t>(t.rank()));
        for (int d : t.shape()) put_u32(out, static_cast<std::uint32_t>(d));
        out.append(reinterpret_cast<const char*>(t.data()), t.size() * sizeof(float));
    }
    std::ofstream f(path, std::ios::binary);
    if (!f) throw IoError(path + ": cannot open for writing (" + std::strerror(errno) + ")");
    f.write(out.data(), static_cast<std::streamsize>(out.size()));
    if (!f) throw IoError(path + ": write failed (" + std::strerror(errno) + ")");
}

std::vector<NamedTensor> load_tensors(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw IoError(path + ": cannot open (" + std::strerror(errno) + ")");
    Reader r(path, std::string(std::istreambuf_iterator<char>(f), {}));
    if (r.text(sizeof kMagic, "the header") != std::string(kMagic, sizeof kMagic))
        r.fail("not a workbook tensor file (it does not start with \"WBTENSOR\")");
    const std::uint32_t version = r.u32("the version");
    if (version != kTensorFileVersion)
        r.fail("format version " + std::to_string(version) + ", this build reads version " +
               std::to_string(kTensorFileVersion));
    const std::uint32_t count = r.u32("the tensor count");
    std::vector<NamedTensor> out;
    for (std::uint32_t k = 0; k < count; ++k) {
        const std::string which = "tensor " + std::to_string(k + 1) + " of " + std::to_string(count);
        const std::uint32_t name_length = r.u32(which + " (name length)");
        if (name_length > 4096) r.fail(which + " has a name length of " + std::to_string(name_length) + ": corrupt");
        std::string name = r.text(name_length, which + " (name)");
        const std::uint32_t rank = r.u32("tensor '" + name + "' (rank)");
        if (rank > static_cast<std::uint32_t>(Tensor::kMaxRank))
            r.fail("tensor '" + name + "' has rank " + std::to_string(rank) + ": corrupt");
        Shape shape;
        std::size_t n = 1;
        for (std::uint32_t i = 0; i < rank; ++i) {
            const std::uint32_t d = r.u32("tensor '" + name + "' (shape)");
            if (d > (1u << 28)) r.fail("tensor '" + name + "' has a dim of " + std::to_string(d) + ": corrupt");
            shape.push_back(static_cast<int>(d));
            n *= d;
        }
        if (n > (std::size_t{1} << 31)) r.fail("tensor '" + name + "' claims " + std::to_string(n) + " values: corrupt");
        Tensor t(shape);
        r.floats(t.data(), t.size(), "tensor '" + name + "' " + to_string(shape) + " (data)");
        out.push_back({std::move(name), std::move(t)});
    }
    return out;
}

void save_weights(const std::string& path, const std::vector<Param>& params) {
    std::vector<NamedTensor> tensors;
    for (const Param& p : params) tensors.push_back({p.name, *p.value});
    save_tensors(path, tensors);
}

void load_weights(const std::string& path, const std::vector<Param>& params) {
    const std::vector<NamedTensor> file = load_tensors(path);
    if (file.size() != params.size())
        throw IoError(path + ": holds " + std::to_string(file.size()) + " tensors, the model has " +
                      std::to_string(params.size()) + " parameters");
    for (std::size_t i = 0; i < file.size(); ++i) {
        if (file[i].name != params[i].name)
            throw IoError(path + ": tensor " + std::to_string(i + 1) + " is '" + file[i].name +
                          "', the model expects '" + params[i].name + "'");
        if (file[i].tensor.shape() != params[i].value->shape())
            throw IoError(path + ": '" + file[i].name + "' has shape " + to_string(file[i].tensor.shape()) +
                          ", the model expects " + to_string(params[i].value->shape()));
    }
    for (std::size_t i = 0; i < file.size(); ++i) *params[i].value = file[i].tensor;
}

}  // namespace wb
