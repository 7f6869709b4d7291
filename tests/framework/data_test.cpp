// The IDX reader, on small files the tests write themselves (plain and gzipped).
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <functional>
#include <fstream>

#include "framework/data.hpp"

using namespace wb;

namespace {

std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("wb_data_test_" + name)).string();
}

std::string big_endian(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// An IDX image file: magic 0x803, count, rows, cols, then one byte per pixel.
std::string idx_images(int n, int rows, int cols) {
    std::string bytes = big_endian(0x803) + big_endian(n) + big_endian(rows) + big_endian(cols);
    for (int i = 0; i < n * rows * cols; ++i) bytes.push_back(static_cast<char>(i % 256));
    return bytes;
}

void write_plain(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

void write_gz(const std::string& path, const std::string& bytes) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
}

std::string error_of(const std::function<void()>& read) {
    try {
        read();
    } catch (const IoError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Idx, ReadsPlainAndGzippedImages) {
    for (bool gz : {false, true}) {
        const std::string path = temp_path(gz ? "images.gz" : "images");
        (gz ? write_gz : write_plain)(path, idx_images(3, 2, 4));
        const Tensor x = read_idx_images(path);
        ASSERT_EQ(x.shape(), (Shape{3, 1, 2, 4}));
        EXPECT_FLOAT_EQ(x(1, 0, 1, 3), 15.0f / 255.0f);  // pixel 8 + 4 + 3
    }
}

TEST(Idx, ReadsLabels) {
    const std::string path = temp_path("labels");
    write_plain(path, big_endian(0x801) + big_endian(4) + std::string("\x00\x09\x05\x07", 4));
    const Tensor y = read_idx_labels(path);
    EXPECT_EQ(std::vector<float>(y.begin(), y.end()), (std::vector<float>{0, 9, 5, 7}));
}

TEST(Idx, MissingFileNamesPathAndPackage) {
    const std::string m = error_of([] { read_idx_images("/nonexistent/train-images-idx3-ubyte.gz"); });
    EXPECT_NE(m.find("/nonexistent/train-images-idx3-ubyte.gz"), std::string::npos) << m;
    EXPECT_NE(m.find("apt-get install dataset-fashion-mnist"), std::string::npos) << m;
}

TEST(Idx, TruncatedFileSaysWhatIsMissing) {
    const std::string path = temp_path("truncated");
    const std::string full = idx_images(10, 4, 4);
    write_plain(path, full.substr(0, full.size() - 20));
    const std::string m = error_of([&] { read_idx_images(path); });
    EXPECT_NE(m.find(path), std::string::npos) << m;
    EXPECT_NE(m.find("truncated"), std::string::npos) << m;
    EXPECT_NE(m.find("10 x 4 x 4 = 160"), std::string::npos) << m;
}

TEST(Idx, ForeignFileNamesTheMagic) {
    const std::string path = temp_path("labels_as_images");
    write_plain(path, big_endian(0x801) + big_endian(2) + std::string("\x01\x02", 2));
    const std::string m = error_of([&] { read_idx_images(path); });
    EXPECT_NE(m.find("not an IDX image file"), std::string::npos) << m;
    EXPECT_NE(m.find("0x00000801"), std::string::npos) << m;
}

TEST(Idx, CorruptGzipIsReported) {
    const std::string path = temp_path("corrupt.gz");
    std::string gz_bytes;
    {
        const std::string tmp = temp_path("good.gz");
        write_gz(tmp, idx_images(50, 8, 8));
        std::ifstream in(tmp, std::ios::binary);
        gz_bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    write_plain(path, gz_bytes.substr(0, gz_bytes.size() / 2));
    const std::string m = error_of([&] { read_idx_images(path); });
    EXPECT_NE(m.find(path), std::string::npos) << m;
    EXPECT_FALSE(m.empty());
}

TEST(Idx, DatasetChecksImagesAgainstLabels) {
    const std::string dir = temp_path("dataset");
    std::filesystem::create_directories(dir);
    write_plain(dir + "/train-images-idx3-ubyte", idx_images(3, 2, 2));
    write_plain(dir + "/train-labels-idx1-ubyte", big_endian(0x801) + big_endian(2) + std::string("\x01\x02", 2));
    write_plain(dir + "/t10k-images-idx3-ubyte", idx_images(1, 2, 2));
    write_plain(dir + "/t10k-labels-idx1-ubyte", big_endian(0x801) + big_endian(1) + std::string("\x03", 1));
    const std::string m = error_of([&] { load_fashion_mnist(dir); });
    EXPECT_NE(m.find("counts differ"), std::string::npos) << m;
}
