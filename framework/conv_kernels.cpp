#include "framework/conv_kernels.hpp"

#include <algorithm>
#include <cstddef>

namespace wb {

namespace {

// The output columns j in [begin, end) whose input column j * stride + offset lies inside [0, W);
// the others read the zero padding. Found once per kernel column, so the copy loops below have no
// bounds checks and vectorise.
struct InsideSpan {
    int begin, end;
};

InsideSpan inside_span(int offset, int stride, int W, int OW) {
    InsideSpan s{0, OW};
    while (s.begin < OW && s.begin * stride + offset < 0) ++s.begin;
    while (s.end > s.begin && (s.end - 1) * stride + offset >= W) --s.end;
    return s;
}

}  // namespace

void im2col_image(const float* image, const ConvShape& s, float* cols) {
    for (int c = 0; c < s.C; ++c)
        for (int u = 0; u < s.KH; ++u)
            for (int v = 0; v < s.KW; ++v) {
                float* row = cols + static_cast<std::size_t>((c * s.KH + u) * s.KW + v) * s.OH * s.OW;
                const int x_offset = v * s.dilation - s.padding;  // input column of output column 0
                const InsideSpan in_x = inside_span(x_offset, s.stride, s.W, s.OW);
                for (int i = 0; i < s.OH; ++i) {
                    const int y = i * s.stride + u * s.dilation - s.padding;
                    float* out = row + static_cast<std::size_t>(i) * s.OW;
                    if (y < 0 || y >= s.H) {  // a padding row
                        std::fill(out, out + s.OW, 0.0f);
                        continue;
                    }
                    const float* in = image + (static_cast<std::size_t>(c) * s.H + y) * s.W;
                    std::fill(out, out + in_x.begin, 0.0f);
                    if (s.stride == 1)  // a contiguous run: one vectorised copy (the strided loop is a gather)
                        std::copy(in + in_x.begin + x_offset, in + in_x.end + x_offset, out + in_x.begin);
                    else
                        for (int j = in_x.begin; j < in_x.end; ++j) out[j] = in[j * s.stride + x_offset];
                    std::fill(out + in_x.end, out + s.OW, 0.0f);
                }
            }
}

void col2im_image_add(const float* cols, const ConvShape& s, float* image) {
    for (int c = 0; c < s.C; ++c)
        for (int u = 0; u < s.KH; ++u)
            for (int v = 0; v < s.KW; ++v) {
                const float* row = cols + static_cast<std::size_t>((c * s.KH + u) * s.KW + v) * s.OH * s.OW;
                const int x_offset = v * s.dilation - s.padding;
                const InsideSpan in_x = inside_span(x_offset, s.stride, s.W, s.OW);
                for (int i = 0; i < s.OH; ++i) {
                    const int y = i * s.stride + u * s.dilation - s.padding;
                    if (y < 0 || y >= s.H) continue;
                    const float* from = row + static_cast<std::size_t>(i) * s.OW;
                    float* in = image + (static_cast<std::size_t>(c) * s.H + y) * s.W;
                    if (s.stride == 1) {  // contiguous: a loop the compiler vectorises
                        float* to = in + x_offset;
                        for (int j = in_x.begin; j < in_x.end; ++j) to[j] += from[j];
                    } else {
                        for (int j = in_x.begin; j < in_x.end; ++j) in[j * s.stride + x_offset] += from[j];
                    }
                }
            }
}

void relu_maxpool_plane(const float* plane, int OW, int pool, int PH, int PW, float bias, int base, float* out,
                        int* argmax) {
    for (int i = 0; i < PH; ++i) {
        if (pool == 2) {  // chapter 07's case, written out: straight-line selects the compiler vectorises
            const float* r0 = plane + static_cast<std::size_t>(2 * i) * OW;
            const float* r1 = r0 + OW;
            const int top = base + 2 * i * OW;
            for (int j = 0; j < PW; ++j) {
                // candidates in row-major window order; a later one wins only if strictly greater
                // (std::max(x, y) returns y only if x < y; the index arithmetic avoids branches,
                // which mispredict half the time on this data)
                const float a = r0[2 * j], b = r0[2 * j + 1], c = r1[2 * j], d = r1[2 * j + 1];
                const int b_wins = b > a;
                const float ab = std::max(a, b);
                const int c_wins = c > ab;
                const float abc = std::max(ab, c);
                const int d_wins = d > abc;
                const float best = std::max(abc, d);
                int offset = b_wins;
                offset += c_wins * (OW - offset);
                offset += d_wins * (OW + 1 - offset);
                const float value = best + bias;
                out[i * PW + j] = std::max(value, 0.0f);
                argmax[i * PW + j] = value > 0.0f ? top + 2 * j + offset : -1;
            }
            continue;
        }
        for (int j = 0; j < PW; ++j) {
            int best = (i * pool) * OW + j * pool;
            float best_value = plane[best];
            for (int u = 0; u < pool; ++u)
                for (int v = 0; v < pool; ++v) {
                    const int at = (i * pool + u) * OW + j * pool + v;
                    const bool greater = plane[at] > best_value;
                    best_value = greater ? plane[at] : best_value;
                    best = greater ? at : best;
                }
            const float value = best_value + bias;  // max(a + b) = max(a) + b: add the bias once
            out[i * PW + j] = value > 0.0f ? value : 0.0f;
            argmax[i * PW + j] = value > 0.0f ? base + best : -1;
        }
    }
}

}  // namespace wb
