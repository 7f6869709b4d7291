#include <gtest/gtest.h>

#include <array>
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

namespace {

// The bounding box of the pixels of `image` that differ from `background` (gray or RGB): {x0, y0, x1, y1},
// exclusive ends; {0, 0, 0, 0} when nothing was drawn.
std::array<int, 4> ink_box(const Image& image, std::uint8_t background) {
    std::array<int, 4> box{image.width, image.height, 0, 0};
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x)
            for (int c = 0; c < image.channels; ++c)
                if (image.pixels[(static_cast<std::size_t>(y) * image.width + x) * image.channels + c] != background) {
                    box = {std::min(box[0], x), std::min(box[1], y), std::max(box[2], x + 1), std::max(box[3], y + 1)};
                }
    return box[2] == 0 ? std::array<int, 4>{0, 0, 0, 0} : box;
}

}  // namespace

TEST(Png, TextStaysInsideItsMeasuredBox) {
    for (int scale : {1, 2, 3}) {
        Image page = blank_image(80, 300, {255, 255, 255});
        draw_text(page, 10, 20, "Ankle boot 0.89", {0, 0, 0}, scale);
        const auto box = ink_box(page, 255);
        EXPECT_GE(box[0], 10);
        EXPECT_GE(box[1], 20);
        EXPECT_LE(box[2], 10 + text_width("Ankle boot 0.89", scale));
        EXPECT_LE(box[3], 20 + text_height("Ankle boot 0.89", scale));
        EXPECT_GT(box[2] - box[0], text_width("Ankle boot 0.89", scale) / 2) << "scale " << scale;  // really drawn
        EXPECT_GE(box[3] - box[1], 6 * scale) << "a capital is 7 font pixels tall";
    }
    // scale k draws exactly the scale-1 glyphs, each font pixel a k x k square
    Image small = blank_image(12, 60, {255, 255, 255}), large = blank_image(36, 180, {255, 255, 255});
    draw_text(small, 0, 0, "Coat 7", {0, 0, 0}, 1);
    draw_text(large, 0, 0, "Coat 7", {0, 0, 0}, 3);
    EXPECT_EQ(zoomed(small, 3).pixels, large.pixels);
    EXPECT_EQ(text_width("ab", 2), 2 * text_width("ab", 1));
    EXPECT_EQ(text_width("ab", 0), text_width("ab", 1));  // scales below 1 count as 1
    EXPECT_GT(text_width("Trouser"), text_width("Bag"));
    EXPECT_EQ(text_height("one\ntwo"), 2 * text_height("one"));
}

TEST(Png, TextIsClippedAndSurvivesAnyBytes) {
    Image gray{10, 10, 1, std::vector<std::uint8_t>(100, 0)};
    draw_text(gray, -15, -3, "clipped on every side", {255, 255, 255}, 2);  // must not write outside
    draw_text(gray, 2, 2, std::string("\x01\x7f\xc3\xa9", 4), {255, 255, 255});  // drawn as '?'
    EXPECT_NE(ink_box(gray, 0), (std::array<int, 4>{0, 0, 0, 0}));
}

TEST(Png, PasteZoomAndRgb) {
    const Image dot{1, 2, 1, {10, 200}};
    const Image big = zoomed(dot, 3);
    ASSERT_EQ(big.height, 3);
    ASSERT_EQ(big.width, 6);
    EXPECT_EQ(big.pixels[2], 10);
    EXPECT_EQ(big.pixels[3], 200);
    const Image rgb = to_rgb(big);
    EXPECT_EQ(rgb.channels, 3);
    EXPECT_EQ(rgb.pixels[3 * 3 + 1], 200);
    Image page = blank_image(4, 4, {0, 0, 0});
    paste(page, rgb, 2, 2);  // only a 2x2 corner lands
    EXPECT_EQ(ink_box(page, 0), (std::array<int, 4>{2, 2, 4, 4}));
    EXPECT_THROW(paste(page, big, 0, 0), ShapeError);  // gray into RGB
}

TEST(Png, LabelledHeatmapPlacesLabelsAndChecksCounts) {
    const Tensor m({2, 3}, {0, 1, 2, 3, 4, 5});
    HeatmapLabels labels;
    labels.rows = {"first", "second"};
    labels.cols = {"a", "b", "c"};
    labels.cells = {"0", "1", "2", "3", "4", "5"};
    const int cell = 30;
    const Image plain = heatmap(m, cell);
    const Image page = labelled_heatmap(m, labels, cell);
    EXPECT_GT(page.width, plain.width + text_width("second", 2));  // room for the row labels
    EXPECT_GT(page.height, plain.height + text_height("a", 2));    // and the column labels
    // The matrix sits in the bottom right corner; its top-left cell shows the darkest colour (68, 1, 84)
    // with a white "0" on it.
    const int left = page.width - 4 * labels.text_scale - plain.width, top = page.height - 4 * labels.text_scale - plain.height;
    const std::uint8_t* corner = &page.pixels[(static_cast<std::size_t>(top) * page.width + left) * 3];
    EXPECT_EQ(std::vector<int>(corner, corner + 3), (std::vector<int>{68, 1, 84}));
    bool white_text = false;
    for (int y = top; y < top + cell; ++y)
        for (int x = left; x < left + cell; ++x)
            white_text = white_text || page.pixels[(static_cast<std::size_t>(y) * page.width + x) * 3] == 255;
    EXPECT_TRUE(white_text);
    labels.cols.pop_back();
    try {
        labelled_heatmap(m, labels, cell);
        FAIL() << "expected ShapeError";
    } catch (const ShapeError& e) {
        EXPECT_NE(std::string(e.what()).find("labelled_heatmap: 2 column labels for m (2, 3)"), std::string::npos) << e.what();
    }
}
