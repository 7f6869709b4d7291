// Reference: multi-head attention as torch.nn.MultiheadAttention(batch_first=True), forward and backward.
#include "chapters/01_attention/multihead.hpp"

#include <algorithm>

#include "framework/linalg.hpp"

namespace wb {

namespace {

// y = x W^T + b:  x (B, L, E_in), W (E_out, E_in), b (E_out)  ->  y (B, L, E_out), one product of (B L, E_in) rows
Tensor linear(const Tensor& x, const Tensor& W, const Tensor& b) {
    const int rows = x.dim(0) * x.dim(1), in = x.dim(2), out = W.dim(0);
    Tensor y = Tensor::uninitialized({x.dim(0), x.dim(1), out});
    for (int r = 0; r < rows; ++r) std::copy_n(b.data(), out, y.data() + static_cast<std::size_t>(r) * out);  // start from b
    gemm(false, true, rows, out, in, 1.0f, x.data(), W.data(), 1.0f, y.data());
    return y;
}

// Backward of y = x W^T + b: dx = dy W, dW = dy^T x, db = sum of dy over batch and length.
void linear_backward(const Tensor& dy, const Tensor& x, const Tensor& W, Tensor& dx, Tensor& dW, Tensor& db) {
    const int rows = x.dim(0) * x.dim(1), in = x.dim(2), out = W.dim(0);
    dx = Tensor::uninitialized(x.shape());
    dW = Tensor::uninitialized(W.shape());
    db = Tensor({out});
    gemm(false, false, rows, in, out, 1.0f, dy.data(), W.data(), 0.0f, dx.data());
    gemm(true, false, out, in, rows, 1.0f, dy.data(), x.data(), 0.0f, dW.data());
    for (int r = 0; r < rows; ++r)
        for (int o = 0; o < out; ++o) db(o) += dy[static_cast<std::size_t>(r) * out + o];
}

// (B, L, E) -> (B*H, L, Dh): head h of sequence n is row n*H + h, columns h*Dh .. h*Dh+Dh-1
Tensor split_heads(const Tensor& x, int H) {
    const int B = x.dim(0), L = x.dim(1), Dh = x.dim(2) / H;
    Tensor y = Tensor::uninitialized({B * H, L, Dh});
    for (int n = 0; n < B; ++n)
        for (int h = 0; h < H; ++h)
            for (int i = 0; i < L; ++i)
                for (int d = 0; d < Dh; ++d) y(n * H + h, i, d) = x(n, i, h * Dh + d);
    return y;
}

// (B*H, L, Dh) -> (B, L, H*Dh): the inverse of split_heads
Tensor merge_heads(const Tensor& y, int H) {
    const int B = y.dim(0) / H, L = y.dim(1), Dh = y.dim(2);
    Tensor x = Tensor::uninitialized({B, L, H * Dh});
    for (int n = 0; n < B; ++n)
        for (int h = 0; h < H; ++h)
            for (int i = 0; i < L; ++i)
                for (int d = 0; d < Dh; ++d) x(n, i, h * Dh + d) = y(n * H + h, i, d);
    return x;
}

// A (B, T, S) mask becomes (B*H, T, S), the same for every head; a (T, S) mask is shared as it is.
Mask mask_per_head(const Mask& mask, int H) {
    if (mask.shape.size() != 3) return mask;
    const int B = mask.shape[0], T = mask.shape[1], S = mask.shape[2];
    const std::size_t plane = static_cast<std::size_t>(T) * S;
    Mask out{{B * H, T, S}, {}};
    out.allowed.reserve(plane * B * H);
    for (int n = 0; n < B; ++n)
        for (int h = 0; h < H; ++h)
            out.allowed.insert(out.allowed.end(), mask.allowed.begin() + n * plane, mask.allowed.begin() + (n + 1) * plane);
    return out;
}

}  // namespace

MultiHeadResult multihead_forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                  const MultiHeadWeights& w, const Mask& mask) {
    const char* op = "multihead_forward";
    require_rank(op, "query", query, 3);
    const int B = query.dim(0), T = query.dim(1), E = query.dim(2), H = w.heads;
    require_shape(op, "key", key, {B, -1, E});
    if (value.shape() != key.shape()) shape_mismatch(op, "key", key, "value", value, "key and value must have the same shape");
    if (H <= 0 || E % H != 0)
        throw ShapeError("multihead_forward: heads = " + std::to_string(H) + " must divide E = " + std::to_string(E));
    for (const Tensor* W : {&w.w_q, &w.w_k, &w.w_v, &w.w_o}) require_shape(op, "a weight matrix", *W, {E, E});
    for (const Tensor* b : {&w.b_q, &w.b_k, &w.b_v, &w.b_o}) require_shape(op, "a bias", *b, {E});
    const int S = key.dim(1);

    // project, then split E into H heads of Dh = E / H: (B, L, E) -> (B*H, L, Dh)
    const Tensor q = split_heads(linear(query, w.w_q, w.b_q), H);
    const Tensor k = split_heads(linear(key, w.w_k, w.b_k), H);
    const Tensor v = split_heads(linear(value, w.w_v, w.b_v), H);

    // every head attends independently: the heads are just more batch rows
    AttentionResult heads = attention_forward(q, k, v, mask_per_head(mask, H));

    // heads side by side again, then the output projection
    Tensor merged = merge_heads(heads.out, H);
    Tensor out = linear(merged, w.w_o, w.b_o);
    Tensor weights = heads.cache.weights.reshaped({B, H, T, S});
    return {std::move(out), std::move(weights), {query, key, value, std::move(heads.cache), std::move(merged)}};
}

MultiHeadGrads multihead_backward(const Tensor& dout, const MultiHeadCache& c, const MultiHeadWeights& w) {
    require_shape("multihead_backward", "dout", dout, c.merged.shape());
    const int H = w.heads;
    MultiHeadGrads g;
    // out = merged W_o^T + b_o
    Tensor dmerged;
    linear_backward(dout, c.merged, w.w_o, dmerged, g.dw_o, g.db_o);
    // merged = merge_heads(head outputs): its gradient splits the same way
    const AttentionGrads dh = attention_backward(split_heads(dmerged, H), c.heads);
    // q = split_heads(query W_q^T + b_q), and likewise k, v
    linear_backward(merge_heads(dh.dq, H), c.query, w.w_q, g.dquery, g.dw_q, g.db_q);
    linear_backward(merge_heads(dh.dk, H), c.key, w.w_k, g.dkey, g.dw_k, g.db_k);
    linear_backward(merge_heads(dh.dv, H), c.value, w.w_v, g.dvalue, g.dw_v, g.db_v);
    return g;
}

}  // namespace wb
