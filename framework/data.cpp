#include "framework/data.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <vector>

namespace wb {

namespace {

const char* kInstallHint = "install Debian's Fashion-MNIST with: apt-get install dataset-fashion-mnist";

// The whole file, decompressed if it is gzip (zlib reads plain files unchanged).
std::vector<unsigned char> read_all(const std::string& path) {
    if (!std::filesystem::exists(path)) throw IoError(path + ": no such file; " + kInstallHint);
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) throw IoError(path + ": cannot open (" + std::strerror(errno) + ")");
    std::vector<unsigned char> bytes;
    unsigned char buffer[1 << 16];
    int n = 0;
    while ((n = gzread(f, buffer, sizeof buffer)) > 0) bytes.insert(bytes.end(), buffer, buffer + n);
    int err = 0;
    const std::string message = n < 0 ? gzerror(f, &err) : "";
    gzclose(f);
    if (n < 0) throw IoError(path + ": corrupt or truncated gzip data (" + message + ")");
    return bytes;
}

std::uint32_t big_endian(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// Checks the magic and sizes; returns the dims and the offset of the data.
std::vector<std::uint32_t> parse_header(const std::string& path, const std::vector<unsigned char>& bytes,
                                        std::uint32_t magic, const char* kind) {
    if (bytes.size() < 4) throw IoError(path + ": truncated: " + std::to_string(bytes.size()) + " bytes, not even an IDX header");
    const std::uint32_t found = big_endian(bytes.data());
    if (found != magic) {
        char text[96];
        std::snprintf(text, sizeof text, "not an IDX %s file: magic 0x%08x, expected 0x%08x", kind, found, magic);
        throw IoError(path + ": " + text);
    }
    const std::size_t rank = magic & 0xff;
    if (bytes.size() < 4 + 4 * rank) throw IoError(path + ": truncated inside the IDX header");
    std::vector<std::uint32_t> dims;
    std::size_t count = 1;
    for (std::size_t i = 0; i < rank; ++i) {
        dims.push_back(big_endian(bytes.data() + 4 + 4 * i));
        count *= dims.back();
    }
    const std::size_t have = bytes.size() - (4 + 4 * rank);
    if (have < count) {
        std::string shape;
        for (std::uint32_t d : dims) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
        throw IoError(path + ": truncated: the header promises " + shape + " = " + std::to_string(count) +
                      " bytes of data, the file holds " + std::to_string(have));
    }
    return dims;
}

}  // namespace

Tensor read_idx_images(const std::string& path) {
    const std::vector<unsigned char> bytes = read_all(path);
    const auto dims = parse_header(path, bytes, 0x00000803, "image");
    const int n = static_cast<int>(dims[0]), rows = static_cast<int>(dims[1]), cols = static_cast<int>(dims[2]);
    Tensor x({n, 1, rows, cols});
    const unsigned char* data = bytes.data() + 16;
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(data[i]) / 255.0f;
    return x;
}

Tensor read_idx_labels(const std::string& path) {
    const std::vector<unsigned char> bytes = read_all(path);
    const auto dims = parse_header(path, bytes, 0x00000801, "label");
    Tensor y({static_cast<int>(dims[0])});
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<float>(bytes[8 + i]);
    return y;
}

Dataset load_fashion_mnist(const std::string& dir) {
    auto file = [&](const std::string& stem) {
        const std::string plain = dir + "/" + stem;
        return std::filesystem::exists(plain) ? plain : plain + ".gz";
    };
    Dataset d{read_idx_images(file("train-images-idx3-ubyte")), read_idx_labels(file("train-labels-idx1-ubyte")),
              read_idx_images(file("t10k-images-idx3-ubyte")), read_idx_labels(file("t10k-labels-idx1-ubyte"))};
    if (d.train_x.dim(0) != d.train_y.dim(0) || d.test_x.dim(0) != d.test_y.dim(0))
        throw IoError(dir + ": image and label counts differ (train " + std::to_string(d.train_x.dim(0)) + " vs " +
                      std::to_string(d.train_y.dim(0)) + ", test " + std::to_string(d.test_x.dim(0)) + " vs " +
                      std::to_string(d.test_y.dim(0)) + ")");
    return d;
}

}  // namespace wb
