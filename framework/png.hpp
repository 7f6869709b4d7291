// PNG pictures for people: image grids (samples, mistakes) and heatmaps (attention weights,
// confusion matrices), with labels in a small bitmap font. Written with stb_image_write and
// stb_easy_font (Debian's libstb-dev).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "framework/tensor.hpp"

namespace wb {

/// 8-bit pixels, row-major, channels interleaved (1 = gray, 3 = RGB).
struct Image {
    int height = 0, width = 0, channels = 1;
    std::vector<std::uint8_t> pixels;
};

/// Writes a PNG; throws IoError naming the path on failure.
void write_png(const std::string& path, const Image& image);

/// Tiles images (N, H, W) or (N, 1, H, W) into a grid `cols` wide with a 1-pixel gap, gray.
/// Values are mapped linearly from [low, high] to black..white and clipped.
Image image_grid(const Tensor& images, int cols, float low = 0.0f, float high = 1.0f);

/// An RGB colour.
struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
};

/// A height x width RGB image filled with `background`.
Image blank_image(int height, int width, Rgb background);

/// The image as RGB: a gray image's value goes to all three channels; an RGB image is returned as is.
Image to_rgb(const Image& image);

/// The image enlarged `zoom` times (each pixel becomes a zoom x zoom square).
Image zoomed(const Image& image, int zoom);

/// Copies src into dst with src's top-left corner at (x, y); what falls outside dst is cut off.
/// @throws ShapeError if the channel counts differ.
void paste(Image& dst, const Image& src, int x, int y);

/// Draws ASCII text (newlines start a new line; other characters outside ' '..'~' print as '?') in a
/// small bitmap font, top-left corner at (x, y), `scale` image pixels per font pixel (at scale 1 a capital
/// is 7 pixels tall, a line 12; scales below 1 count as 1). Cut off at the image's edges. On a gray image the
/// colour's mean is used.
void draw_text(Image& image, int x, int y, const std::string& text, Rgb color, int scale = 1);

/// The size draw_text gives `text` at `scale`, in pixels.
int text_width(const std::string& text, int scale = 1);
int text_height(const std::string& text, int scale = 1);

/// A matrix (R, C) as colored cells `cell` pixels square, on the viridis-like scale:
/// dark blue = min(m) (or `low`), yellow = max(m) (or `high`). Pass low < high to fix the scale.
Image heatmap(const Tensor& m, int cell = 16, float low = 0.0f, float high = 0.0f);

/// What labelled_heatmap writes around and into the cells; every field may be left empty.
struct HeatmapLabels {
    std::string title;               ///< above the matrix
    std::vector<std::string> rows;   ///< R labels, left of the rows
    std::vector<std::string> cols;   ///< C labels, above the columns, written upwards
    std::vector<std::string> cells;  ///< R*C texts, row-major, in black or white, whichever reads on the cell
    int text_scale = 2;              ///< font pixels to image pixels; cell texts shrink to fit their cell
};

/// heatmap(m, cell, low, high) on a white page with a title and row, column and cell labels.
/// @throws ShapeError naming "labelled_heatmap" if rows, cols or cells do not match m's shape.
Image labelled_heatmap(const Tensor& m, const HeatmapLabels& labels, int cell = 48, float low = 0.0f,
                       float high = 0.0f);

}  // namespace wb
