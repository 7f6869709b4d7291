#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "framework/png.hpp"
#include "framework/random.hpp"
#include "framework/serialize.hpp"

using namespace wb;

static std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("wb_io_test_" + name)).string();
}

static std::string error_of(const std::string& path) {
    try {
        load_tensors(path);
    } catch (const IoError& e) {
        return e.what();
    }
    return "";
}

TEST(Serialize, RoundTripsNamedTensors) {
    Rng rng(0);
    const std::string path = temp_path("roundtrip.wbt");
    const Tensor a = Tensor::randn({2, 3}, rng), b = Tensor::randn({4}, rng);
    save_tensors(path, {{"a", a}, {"b.bias", b}});
    const auto loaded = load_tensors(path);
    ASSERT_EQ(loaded.size(), 2u);
    EXPECT_EQ(loaded[0].name, "a");
    EXPECT_EQ(loaded[0].tensor.shape(), a.shape());
    EXPECT_EQ(loaded[0].tensor.values(), a.values());
    EXPECT_EQ(loaded[1].tensor.values(), b.values());
}

TEST(Serialize, MissingFileNamesPath) {
    const std::string m = error_of("/nonexistent/weights.wbt");
    EXPECT_NE(m.find("/nonexistent/weights.wbt"), std::string::npos) << m;
    EXPECT_NE(m.find("cannot open"), std::string::npos) << m;
}

TEST(Serialize, ForeignFileIsRecognised) {
    const std::string path = temp_path("foreign.bin");
    std::ofstream(path) << "\x89PNG not a tensor file at all";
    const std::string m = error_of(path);
    EXPECT_NE(m.find(path), std::string::npos) << m;
    EXPECT_NE(m.find("not a workbook tensor file"), std::string::npos) << m;
}

TEST(Serialize, TruncatedFileNamesTheTensor) {
    const std::string path = temp_path("truncated.wbt");
    save_tensors(path, {{"weight", Tensor({10, 10}, 1.0f)}});
    std::filesystem::resize_file(path, std::filesystem::file_size(path) - 7);
    const std::string m = error_of(path);
    EXPECT_NE(m.find("truncated"), std::string::npos) << m;
    EXPECT_NE(m.find("'weight'"), std::string::npos) << m;
}

TEST(Serialize, NewerVersionIsRefused) {
    const std::string path = temp_path("version.wbt");
    save_tensors(path, {});
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(8);
    f.put(9);
    f.close();
    EXPECT_NE(error_of(path).find("version 9"), std::string::npos) << error_of(path);
}

TEST(Serialize, WeightsMustMatchTheModel) {
    Tensor w({2, 2}, 1.0f), g({2, 2}), other({3}, 0.0f);
    const std::string path = temp_path("weights.wbt");
    save_weights(path, {{"fc.weight", &w, &g}});
    Tensor target({2, 2});
    load_weights(path, {{"fc.weight", &target, &g}});
    EXPECT_EQ(target.values(), w.values());
    try {
        load_weights(path, {{"fc.weight", &other, &g}});
        FAIL();
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find("(2, 2)"), std::string::npos) << e.what();
    }
    EXPECT_EQ(std::vector<float>(other.begin(), other.end()), std::vector<float>(3, 0.0f));  // untouched on error
}

TEST(Png, WritesGridAndHeatmap) {
    Rng rng(1);
    const std::string grid_path = temp_path("grid.png"), heat_path = temp_path("heat.png");
    const Image grid = image_grid(Tensor::uniform({5, 1, 8, 8}, rng, 0, 1), 3);
    EXPECT_EQ(grid.width, 3 * 9 + 1);
    EXPECT_EQ(grid.height, 2 * 9 + 1);
    write_png(grid_path, grid);
    write_png(heat_path, heatmap(Tensor::randn({4, 6}, rng), 5));
    for (const auto& p : {grid_path, heat_path}) {
        std::ifstream f(p, std::ios::binary);
        char sig[8] = {};
        f.read(sig, 8);
        EXPECT_EQ(std::string(sig + 1, 3), "PNG") << p;
    }
    EXPECT_THROW(write_png("/nonexistent/dir/x.png", grid), IoError);
    EXPECT_THROW(image_grid(Tensor({2, 3, 4, 4}), 2), ShapeError);
}
