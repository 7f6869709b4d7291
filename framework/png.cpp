#include "framework/png.hpp"

#include <algorithm>
#include <cmath>

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
#include <stb/stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#endif
#include <stb/stb_easy_font.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
#include <cstring>

namespace wb {

void write_png(const std::string& path, const Image& image) {
    if (image.pixels.size() != static_cast<std::size_t>(image.height) * image.width * image.channels ||
        image.height <= 0 || image.width <= 0)
        throw IoError(path + ": image " + std::to_string(image.height) + "x" + std::to_string(image.width) + "x" +
                      std::to_string(image.channels) + " does not match its " +
                      std::to_string(image.pixels.size()) + " bytes");
    if (!stbi_write_png(path.c_str(), image.width, image.height, image.channels, image.pixels.data(),
                        image.width * image.channels))
        throw IoError(path + ": cannot write the PNG (does the folder exist?)");
}

static std::uint8_t to_byte(float v, float low, float high) {
    const float t = high > low ? (v - low) / (high - low) : 0.0f;
    return static_cast<std::uint8_t>(std::lround(255.0f * std::clamp(t, 0.0f, 1.0f)));
}

Image image_grid(const Tensor& images, int cols, float low, float high) {
    const bool with_channel = images.rank() == 4;
    if (!(images.rank() == 3 || (with_channel && images.dim(1) == 1)))
        throw ShapeError("image_grid: images have shape " + to_string(images.shape()) +
                         ", expected (N, H, W) or (N, 1, H, W)");
    const int n = images.dim(0), h = images.dim(-2), w = images.dim(-1);
    cols = std::max(1, std::min(cols, n));
    const int rows = (n + cols - 1) / cols;
    Image img{rows * (h + 1) + 1, cols * (w + 1) + 1, 1, {}};
    img.pixels.assign(static_cast<std::size_t>(img.height) * img.width, 64);  // gray gaps
    for (int k = 0; k < n; ++k) {
        const int top = 1 + (k / cols) * (h + 1), left = 1 + (k % cols) * (w + 1);
        const float* src = images.data() + static_cast<std::size_t>(k) * h * w;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                img.pixels[static_cast<std::size_t>(top + y) * img.width + left + x] = to_byte(src[y * w + x], low, high);
    }
    return img;
}

Image heatmap(const Tensor& m, int cell, float low, float high) {
    require_rank("heatmap", "m", m, 2);
    if (m.empty()) throw ShapeError("heatmap: m has shape " + to_string(m.shape()) + ", nothing to draw");
    if (!(low < high)) {
        low = *std::min_element(m.begin(), m.end());
        high = *std::max_element(m.begin(), m.end());
    }
    // Five stops of the viridis scale, interpolated linearly.
    static const float kStops[5][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
    const int rows = m.dim(0), cols = m.dim(1);
    Image img{rows * cell, cols * cell, 3, {}};
    img.pixels.resize(static_cast<std::size_t>(img.height) * img.width * 3);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const float t = high > low ? std::clamp((m(r, c) - low) / (high - low), 0.0f, 1.0f) : 0.0f;
            const float pos = t * 4.0f;
            const int i = std::min(3, static_cast<int>(pos));
            const float f = pos - static_cast<float>(i);
            std::uint8_t rgb[3];
            for (int k = 0; k < 3; ++k)
                rgb[k] = static_cast<std::uint8_t>(std::lround(kStops[i][k] + f * (kStops[i + 1][k] - kStops[i][k])));
            for (int y = 0; y < cell; ++y)
                for (int x = 0; x < cell; ++x) {
                    std::uint8_t* p = &img.pixels[(static_cast<std::size_t>(r * cell + y) * img.width + c * cell + x) * 3];
                    p[0] = rgb[0], p[1] = rgb[1], p[2] = rgb[2];
                }
        }
    return img;
}

Image blank_image(int height, int width, Rgb background) {
    Image img{height, width, 3, {}};
    img.pixels.resize(static_cast<std::size_t>(height) * width * 3);
    for (std::size_t i = 0; i < img.pixels.size(); i += 3) {
        img.pixels[i] = background.r;
        img.pixels[i + 1] = background.g;
        img.pixels[i + 2] = background.b;
    }
    return img;
}

Image to_rgb(const Image& image) {
    if (image.channels == 3) return image;
    Image img{image.height, image.width, 3, {}};
    img.pixels.reserve(image.pixels.size() * 3);
    for (const std::uint8_t v : image.pixels) img.pixels.insert(img.pixels.end(), 3, v);
    return img;
}

Image zoomed(const Image& image, int zoom) {
    zoom = std::max(1, zoom);
    Image img{image.height * zoom, image.width * zoom, image.channels, {}};
    img.pixels.resize(static_cast<std::size_t>(img.height) * img.width * img.channels);
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x)
            std::memcpy(&img.pixels[(static_cast<std::size_t>(y) * img.width + x) * img.channels],
                        &image.pixels[(static_cast<std::size_t>(y / zoom) * image.width + x / zoom) * image.channels],
                        static_cast<std::size_t>(image.channels));
    return img;
}

void paste(Image& dst, const Image& src, int x, int y) {
    if (dst.channels != src.channels)
        throw ShapeError("paste: src has " + std::to_string(src.channels) + " channels and dst " +
                         std::to_string(dst.channels) + "; convert one with to_rgb");
    for (int row = std::max(0, -y); row < src.height && y + row < dst.height; ++row)
        for (int col = std::max(0, -x); col < src.width && x + col < dst.width; ++col)
            std::memcpy(&dst.pixels[(static_cast<std::size_t>(y + row) * dst.width + x + col) * dst.channels],
                        &src.pixels[(static_cast<std::size_t>(row) * src.width + col) * src.channels],
                        static_cast<std::size_t>(src.channels));
}

namespace {

// stb_easy_font indexes a table by (character - 32): keep it inside the table.
std::string printable(const std::string& text) {
    std::string out = text;
    for (char& c : out)
        if (c != '\n' && (c < ' ' || c > '~')) c = '?';
    return out;
}

void fill_rect(Image& image, int x0, int y0, int x1, int y1, Rgb color) {
    const std::uint8_t gray = static_cast<std::uint8_t>((color.r + color.g + color.b) / 3);
    for (int y = std::max(0, y0); y < std::min(y1, image.height); ++y)
        for (int x = std::max(0, x0); x < std::min(x1, image.width); ++x) {
            std::uint8_t* p = &image.pixels[(static_cast<std::size_t>(y) * image.width + x) * image.channels];
            if (image.channels == 1) {
                p[0] = gray;
            } else {
                p[0] = color.r, p[1] = color.g, p[2] = color.b;
            }
        }
}

// The image turned a quarter to the left: text drawn on it then reads from bottom to top.
Image rotated_left(const Image& image) {
    Image img{image.width, image.height, image.channels, {}};
    img.pixels.resize(image.pixels.size());
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x)
            std::memcpy(&img.pixels[(static_cast<std::size_t>(image.width - 1 - x) * img.width + y) * img.channels],
                        &image.pixels[(static_cast<std::size_t>(y) * image.width + x) * image.channels],
                        static_cast<std::size_t>(image.channels));
    return img;
}

}  // namespace

void draw_text(Image& image, int x, int y, const std::string& text, Rgb color, int scale) {
    scale = std::max(1, scale);
    std::string chars = printable(text);
    // stb_easy_font builds each glyph from axis-aligned quads (4 vertices of 16 bytes: x, y, z floats and
    // a colour); about 270 bytes a character, 64 per quad.
    std::vector<char> quads(chars.size() * 512 + 64);
    const int count = stb_easy_font_print(0.0f, 0.0f, chars.data(), nullptr, quads.data(), static_cast<int>(quads.size()));
    for (int q = 0; q < count; ++q) {
        float top_left[2], bottom_right[2];  // vertices 0 and 2 of the quad
        std::memcpy(top_left, &quads[static_cast<std::size_t>(q) * 64], sizeof top_left);
        std::memcpy(bottom_right, &quads[static_cast<std::size_t>(q) * 64 + 32], sizeof bottom_right);
        fill_rect(image, x + static_cast<int>(top_left[0]) * scale, y + static_cast<int>(top_left[1]) * scale,
                  x + static_cast<int>(bottom_right[0]) * scale, y + static_cast<int>(bottom_right[1]) * scale, color);
    }
}

int text_width(const std::string& text, int scale) {
    std::string chars = printable(text);
    return stb_easy_font_width(chars.data()) * std::max(1, scale);
}

int text_height(const std::string& text, int scale) {
    std::string chars = printable(text);
    return stb_easy_font_height(chars.data()) * std::max(1, scale);
}

Image labelled_heatmap(const Tensor& m, const HeatmapLabels& labels, int cell, float low, float high) {
    const char* op = "labelled_heatmap";
    require_rank(op, "m", m, 2);
    const int R = m.dim(0), C = m.dim(1), s = std::max(1, labels.text_scale);
    auto check_count = [&](const char* what, std::size_t count, std::size_t expected) {
        if (count != 0 && count != expected)
            throw ShapeError(std::string(op) + ": " + std::to_string(count) + " " + what + " for m " +
                             to_string(m.shape()) + ", expected " + std::to_string(expected) + " (or none)");
    };
    check_count("row labels", labels.rows.size(), static_cast<std::size_t>(R));
    check_count("column labels", labels.cols.size(), static_cast<std::size_t>(C));
    check_count("cell texts", labels.cells.size(), static_cast<std::size_t>(R) * C);
    const Image cells = heatmap(m, cell, low, high);
    const int pad = 4 * s;
    // Column labels that fit their cell are written across, longer ones upwards.
    bool upwards = false;
    for (const std::string& t : labels.cols) upwards = upwards || text_width(t, s) > cell - 4;
    int label_width = 0, label_height = 0;  // of the row labels, and of the column labels
    for (const std::string& t : labels.rows) label_width = std::max(label_width, text_width(t, s) + pad);
    for (const std::string& t : labels.cols)
        label_height = std::max(label_height, (upwards ? text_width(t, s) : text_height(t, s)) + pad);
    const int title_height = labels.title.empty() ? 0 : text_height(labels.title, s) + pad;
    const int left = pad + label_width, top = pad + title_height + label_height;
    const int width = std::max(left + cells.width, pad + text_width(labels.title, s)) + pad;
    Image page = blank_image(top + cells.height + pad, width, {255, 255, 255});
    const Rgb black{0, 0, 0}, white{255, 255, 255};
    draw_text(page, pad, pad, labels.title, black, s);
    paste(page, cells, left, top);
    const int line = text_height("0", s);  // one line of text
    for (int r = 0; r < static_cast<int>(labels.rows.size()); ++r)  // right-aligned, centred on the row
        draw_text(page, left - pad / 2 - text_width(labels.rows[r], s), top + r * cell + (cell - line) / 2 + s,
                  labels.rows[r], black, s);
    for (int c = 0; c < static_cast<int>(labels.cols.size()); ++c) {  // each ends just above the matrix
        const std::string& t = labels.cols[c];
        if (!upwards) {
            draw_text(page, left + c * cell + (cell - text_width(t, s)) / 2, top - pad / 2 - line + s, t, black, s);
            continue;
        }
        Image strip = blank_image(line, text_width(t, s), white);
        draw_text(strip, 0, s, t, black, s);
        paste(page, rotated_left(strip), left + c * cell + (cell - line) / 2, top - pad / 2 - strip.width);
    }
    for (int r = 0; r < R && !labels.cells.empty(); ++r)
        for (int c = 0; c < C; ++c) {
            const std::string& t = labels.cells[static_cast<std::size_t>(r) * C + c];
            int fit = s;  // the largest scale up to s at which the text fits the cell
            while (fit > 1 && text_width(t, fit) > cell - 4) --fit;
            const std::uint8_t* p = &cells.pixels[(static_cast<std::size_t>(r * cell + cell / 2) * cells.width + c * cell + cell / 2) * 3];
            const bool light = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2] > 140.0f;  // perceived brightness
            draw_text(page, left + c * cell + (cell - text_width(t, fit)) / 2,
                      top + r * cell + (cell - text_height("0", fit)) / 2 + fit, t, light ? black : white, fit);
        }
    return page;
}

}  // namespace wb
