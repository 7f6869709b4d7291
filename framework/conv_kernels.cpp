#include "framework/conv_kernels.hpp"

#include <algorithm>
#include <cstddef>

#include "framework/linalg.hpp"

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

namespace {

// The stride-1 columns in place: the image copied into zero-padded planes (C, Hp, Wp) and the offset of each row
// (c, u, v) of the columns in that copy. Output (i, j) on the padded width is column q = i Wp + j; it reads
// padded[c, i + u d, j + v d], the copy at q + c Hp Wp + u d Wp + v d. The last row's last columns read up to
// (KW - 1) d floats past the planes, which stay zero. Returns Wp.
int columns_in_place(const float* image, const ConvShape& s, ConvScratch& scratch) {
    const int Hp = s.H + 2 * s.padding, Wp = s.W + 2 * s.padding;
    const std::ptrdiff_t plane = static_cast<std::ptrdiff_t>(Hp) * Wp;
    // the image's rows, and zeros only where the padding is (the buffer is reused across images)
    scratch.padded.resize(static_cast<std::size_t>(s.C * plane + (s.KW - 1) * s.dilation));
    float* const padded = scratch.padded.data();
    const int p = s.padding;
    for (int c = 0; c < s.C; ++c) {
        float* const planes = padded + c * plane;
        std::fill(planes, planes + static_cast<std::ptrdiff_t>(p) * Wp, 0.0f);  // the rows above
        for (int y = 0; y < s.H; ++y) {
            float* const row = planes + static_cast<std::ptrdiff_t>(y + p) * Wp;
            std::fill(row, row + p, 0.0f);
            std::copy_n(image + (static_cast<std::size_t>(c) * s.H + y) * s.W, s.W, row + p);
            std::fill(row + p + s.W, row + Wp, 0.0f);
        }
        std::fill(planes + static_cast<std::ptrdiff_t>(p + s.H) * Wp, planes + plane, 0.0f);  // the rows below
    }
    std::fill(padded + s.C * plane, padded + scratch.padded.size(), 0.0f);  // read past the last plane
    scratch.rows.resize(static_cast<std::size_t>(s.C) * s.KH * s.KW);
    for (int c = 0; c < s.C; ++c)
        for (int u = 0; u < s.KH; ++u)
            for (int v = 0; v < s.KW; ++v)
                scratch.rows[static_cast<std::size_t>((c * s.KH + u) * s.KW + v)] =
                    c * plane + static_cast<std::ptrdiff_t>(u) * s.dilation * Wp + v * s.dilation;
    return Wp;
}

// Whether reading the columns in place pays: stride 1, and more column rows (C KH KW) than the planes the in-place
// path copies instead, the image's C padded ones and the F of the output on the padded width. With one input channel
// (chapter 07's and 08's first convolution, 32 filters) the 9 rows of columns are the cheaper copy: in place, the
// chapter 07 epoch took 2134 ms against 1244 and the GAN step 154 ms against 114.
bool in_place(const ConvShape& s, int F) { return s.stride == 1 && s.C * s.KH * s.KW > s.C + F; }

}  // namespace

void conv_image(const float* w, int F, const float* image, const ConvShape& s, ConvScratch& scratch, float* out) {
    const int K = s.C * s.KH * s.KW;
    if (!in_place(s, F)) {  // the columns, copied out
        scratch.cols.resize(static_cast<std::size_t>(K) * s.OH * s.OW);
        im2col_image(image, s, scratch.cols.data());
        gemm(false, false, F, s.OH * s.OW, K, 1.0f, w, scratch.cols.data(), 0.0f, out);
        return;
    }
    const int Wp = columns_in_place(image, s, scratch), Q = s.OH * Wp;
    scratch.wide.resize(static_cast<std::size_t>(F) * Q);
    gemm_offset_rows(F, Q, K, w, scratch.padded.data(), scratch.rows.data(), scratch.wide.data());
    for (int f = 0; f < F; ++f)  // the first OW columns of each row
        for (int i = 0; i < s.OH; ++i)
            std::copy_n(scratch.wide.data() + static_cast<std::size_t>(f) * Q + static_cast<std::size_t>(i) * Wp, s.OW,
                        out + (static_cast<std::size_t>(f) * s.OH + i) * s.OW);
}

void conv_image_weight_gradient(const float* dout, int F, const float* image, const ConvShape& s, ConvScratch& scratch,
                                float* dw) {
    const int K = s.C * s.KH * s.KW, P = s.OH * s.OW;
    if (!in_place(s, F)) {
        scratch.cols.resize(static_cast<std::size_t>(K) * P);
        im2col_image(image, s, scratch.cols.data());
        gemm(false, true, F, K, P, 1.0f, dout, scratch.cols.data(), 1.0f, dw);  // dO (F, P) X^T (P, K)
        return;
    }
    const int Wp = columns_in_place(image, s, scratch), Q = s.OH * Wp;
    // dO_wide^T (Q, F): dO[f, i, j] at row i Wp + j, zero in the extra columns. A transpose in tiles of 16 x 16, so
    // that the strided side of each tile stays in cache (a row at a time wrote one float per cache line).
    constexpr int tile = 16;
    scratch.wide.resize(static_cast<std::size_t>(Q) * F);
    for (int i = 0; i < s.OH; ++i) {
        float* wide_row = scratch.wide.data() + static_cast<std::size_t>(i) * Wp * F;
        std::fill(wide_row + static_cast<std::size_t>(s.OW) * F, wide_row + static_cast<std::size_t>(Wp) * F, 0.0f);
        for (int f0 = 0; f0 < F; f0 += tile)
            for (int j0 = 0; j0 < s.OW; j0 += tile)
                for (int j = j0; j < std::min(j0 + tile, s.OW); ++j)
                    for (int f = f0; f < std::min(f0 + tile, F); ++f)
                        wide_row[static_cast<std::size_t>(j) * F + f] = dout[(static_cast<std::size_t>(f) * s.OH + i) * s.OW + j];
    }
    scratch.cols.resize(static_cast<std::size_t>(K) * F);  // dW^T (K, F) = X (K, Q) dO_wide^T (Q, F)
    gemm_offset_rows_a(K, F, Q, scratch.padded.data(), scratch.rows.data(), scratch.wide.data(), 0.0f, scratch.cols.data());
    for (int f0 = 0; f0 < F; f0 += tile)  // dW += (dW^T)^T, in tiles too
        for (int k0 = 0; k0 < K; k0 += tile)
            for (int f = f0; f < std::min(f0 + tile, F); ++f)
                for (int k = k0; k < std::min(k0 + tile, K); ++k)
                    dw[static_cast<std::size_t>(f) * K + k] += scratch.cols[static_cast<std::size_t>(k) * F + f];
}

void conv_image_input_gradient(const float* w, int F, const float* dout, const ConvShape& s, ConvScratch& scratch,
                               float* dimage) {
    const int K = s.C * s.KH * s.KW, P = s.OH * s.OW;
    const int transposed_padding = (s.KH - 1) * s.dilation - s.padding;
    // as a convolution of dO (F channels) into C: the same test, with the roles of C and F swapped, and at least the 8
    // rows of a register block in its product (C of them, where W^T dO has 9 C): chapter 08's discriminator sends its
    // 64 channels back into 1, which in place took its GAN step from about 140 to 160 ms
    const ConvShape back{F, s.OH, s.OW, s.KH, s.KW, 1, transposed_padding, s.dilation, s.H, s.W};
    if (s.stride != 1 || s.KH != s.KW || transposed_padding < 0 || !in_place(back, s.C) || s.C < 8) {
        scratch.cols.resize(static_cast<std::size_t>(K) * P);
        gemm(true, false, K, P, F, 1.0f, w, dout, 0.0f, scratch.cols.data());  // W^T (K, F) dO (F, P)
        std::fill(dimage, dimage + static_cast<std::size_t>(s.C) * s.H * s.W, 0.0f);
        col2im_image_add(scratch.cols.data(), s, dimage);
        return;
    }
    // dimage[c, y, x] = sum over f, u, v of W[f, c, u, v] dO[f, y + padding - u d, x + padding - v d]
    //                 = sum over f, u', v' of flipped[c, f, u', v'] dO[f, y - p' + u' d, x - p' + v' d]
    // with u' = KH-1-u and p' = (KH - 1) d - padding: a convolution of dO, whose output is H x W again
    // Flipping both kernel axes reverses each KH x KW block: flipped[c, f] = reverse(W[f, c]).
    const int KK = s.KH * s.KW;
    scratch.flipped.resize(static_cast<std::size_t>(s.C) * F * KK);
    for (int c = 0; c < s.C; ++c)
        for (int f = 0; f < F; ++f) {
            const float* block = w + (static_cast<std::size_t>(f) * s.C + c) * KK;
            std::reverse_copy(block, block + KK, scratch.flipped.data() + (static_cast<std::size_t>(c) * F + f) * KK);
        }
    std::vector<float> flipped = std::move(scratch.flipped);  // conv_image reuses the other buffers
    conv_image(flipped.data(), s.C, dout, back, scratch, dimage);
    scratch.flipped = std::move(flipped);
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
