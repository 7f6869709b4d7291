// Google Benchmark: chapter 10's denoising U-Net as ./wb run 10 trains it (layers/diffusion_layers' DenoisingUNet:
// width 16, 1000 steps, 10 classes and the null label; 163,713 parameters), reference kernels.
// unet_train_step: forward on a batch of 64 images (64, 1, 28, 28) with each image's step and label, the mean squared
// error against a target (denoising_loss, every weight 1), backward and an Adam step (lr 1e-3), as the program's loop.
// Run through ./wb bench diffusion, which times the same in PyTorch (bench/diffusion_torch.py) and libtorch
// (bench/diffusion_libtorch.cpp).
// fma_peak: this machine's float multiply-add rate with no memory traffic, on 1 and 2 threads. The step's convolution
// arithmetic (counter "flops") over that rate is the least time any implementation of the step could take.
// conv3x3_forward: the probe behind bench/README's answer to "would fewer multiplications reach the target?": the
// forward of the U-Net's stride-1 3x3 convolutions on 64 images, by the framework's conv_image and by a plain Winograd
// F(2x2, 3x3) written here (not a framework kernel: it measured slower), and that Winograd's 16 products alone.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <immintrin.h>

#include <benchmark/benchmark.h>

#include "chapters/10_diffusion/loss.hpp"
#include "framework/conv_kernels.hpp"
#include "framework/linalg.hpp"
#include "framework/optim.hpp"
#include "framework/parallel.hpp"
#include "framework/random.hpp"
#include "layers/diffusion_layers.hpp"

using namespace wb;

namespace {

constexpr int kBatch = 64, kWidth = 16, kTotalSteps = 1000, kClasses = 10;
// the U-Net's size at width 16; the peers assert the same count, so that all three time the same model
constexpr std::size_t kParameters = 163713;

void unet_train_step(benchmark::State& state) {
    Rng rng(1);
    UNetConfig config;
    config.channels = kWidth;
    config.total_steps = kTotalSteps;
    config.classes = kClasses;
    DenoisingUNet unet(config, rng);
    std::size_t parameters = 0;
    for (const Param& p : unet.params()) parameters += p.value->size();
    state.counters["parameters"] = static_cast<double>(parameters);
    state.counters["flops"] = unet.training_step_conv_flops(kBatch, 28, 28);
    if (parameters != kParameters) {
        state.SkipWithError("the U-Net's parameter count is not the peers' 163713");
        return;
    }
    Adam adam(1e-3f);
    // one fixed batch: the noisy images (N, 1, 28, 28), the target, each image's step in [0, T) and label in [0, 10]
    const Tensor xt = Tensor::randn({kBatch, 1, 28, 28}, rng), target = Tensor::randn({kBatch, 1, 28, 28}, rng);
    Tensor steps({kBatch}), labels({kBatch});
    for (int n = 0; n < kBatch; ++n) {
        steps[n] = static_cast<float>(rng.below(kTotalSteps));
        labels[n] = static_cast<float>(rng.below(kClasses + 1));
    }
    const Tensor weights({kBatch}, 1.0f);
    const auto step = [&] {
        const DenoisingLoss loss = denoising_loss(unet.forward(xt, steps, labels), target, weights);
        unet.backward(loss.dprediction);
        adam.step(unet.params());
        return loss.loss;
    };
    for (int warm = 0; warm < 3; ++warm) step();
    for (auto _ : state) benchmark::DoNotOptimize(step());
}

// Chains of a = a m + c, 12 independent ones per thread so that each FMA unit always has one ready, on `threads`
// threads (the argument). Counter "flops": the operations of one call, all threads (2 per multiply-add and lane).
void fma_peak(benchmark::State& state) {
#if defined(__AVX512F__)
    using Vector = __m512;
    const auto splat = [](float v) { return _mm512_set1_ps(v); };
    const auto fma = [](Vector a, Vector b, Vector c) { return _mm512_fmadd_ps(a, b, c); };
    const auto first = [](Vector v) { return _mm512_cvtss_f32(v); };
#elif defined(__FMA__)
    using Vector = __m256;
    const auto splat = [](float v) { return _mm256_set1_ps(v); };
    const auto fma = [](Vector a, Vector b, Vector c) { return _mm256_fmadd_ps(a, b, c); };
    const auto first = [](Vector v) { return _mm256_cvtss_f32(v); };
#else
    state.SkipWithError("built without FMA instructions (cmake -DWB_NATIVE=ON)");
    return;
#endif
#if defined(__AVX512F__) || defined(__FMA__)
    constexpr int kChains = 12, kRounds = 1 << 22;
    const int threads = static_cast<int>(state.range(0));
    const auto chains = [&] {
        Vector a[kChains];
        for (int i = 0; i < kChains; ++i) a[i] = splat(1.0f + 1e-3f * static_cast<float>(i));
        const Vector m = splat(0.999999f), c = splat(1e-7f);
        for (int r = 0; r < kRounds; ++r)
#pragma GCC unroll 12
            for (int i = 0; i < kChains; ++i) a[i] = fma(a[i], m, c);
        float kept = 0.0f;
        for (int i = 0; i < kChains; ++i) kept += first(a[i]);
        benchmark::DoNotOptimize(kept);
    };
    for (auto _ : state) {
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t) workers.emplace_back(chains);
        for (std::thread& w : workers) w.join();
    }
    state.counters["flops"] = 2.0 * (sizeof(Vector) / sizeof(float)) * kChains * kRounds * threads;
#endif
}


// Winograd F(2x2, 3x3) (Lavin and Gray, 2016): each 2x2 output tile is A^T [(G g G^T) . (B^T d B)] A for the 4x4 input
// tile d around it, summed over channels as 16 products, one per position xi of the 4x4 transform:
// M[xi] (F, T) = U[xi] (F, C) V[xi] (C, T), 4 F C multiply-adds per tile instead of 9 F C for 4 outputs direct.
// U[xi][f][c] = (G g G^T)[xi] for the 3x3 kernel g = W[f, c].
std::vector<float> winograd_weights(const float* w, int F, int C) {
    std::vector<float> U(16 * static_cast<std::size_t>(F) * C);
    for (int f = 0; f < F; ++f)
        for (int c = 0; c < C; ++c) {
            const float* g = w + (static_cast<std::size_t>(f) * C + c) * 9;
            float t[4][3];  // G g, G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
            for (int j = 0; j < 3; ++j) {
                t[0][j] = g[j];
                t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
                t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
                t[3][j] = g[6 + j];
            }
            for (int i = 0; i < 4; ++i) {  // (G g) G^T
                const float u[4] = {t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]), 0.5f * (t[i][0] - t[i][1] + t[i][2]), t[i][2]};
                for (int j = 0; j < 4; ++j) U[(static_cast<std::size_t>(i * 4 + j) * F + f) * C + c] = u[j];
            }
        }
    return U;
}

struct WinogradScratch {
    std::vector<float> padded, V, M;
};

// V[xi][c][t] = (B^T d B)[xi] for the T = (H/2)(W/2) tiles of one image (C, H, W), padding 1, H and W even;
// B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
void winograd_input(const float* image, int C, int H, int W, WinogradScratch& s) {
    const int Hp = H + 2, Wp = W + 2, tiles_x = W / 2, T = (H / 2) * tiles_x;
    s.padded.assign(static_cast<std::size_t>(C) * Hp * Wp, 0.0f);
    for (int c = 0; c < C; ++c)
        for (int y = 0; y < H; ++y)
            std::copy_n(image + (static_cast<std::size_t>(c) * H + y) * W, W,
                        s.padded.data() + (static_cast<std::size_t>(c) * Hp + y + 1) * Wp + 1);
    s.V.resize(16 * static_cast<std::size_t>(C) * T);
    const std::size_t plane = static_cast<std::size_t>(C) * T;
    for (int c = 0; c < C; ++c)
        for (int ty = 0; ty < H / 2; ++ty)
            for (int tx = 0; tx < tiles_x; ++tx) {
                float d[4][4], t[4][4];
                for (int i = 0; i < 4; ++i)
                    for (int j = 0; j < 4; ++j) d[i][j] = s.padded[(static_cast<std::size_t>(c) * Hp + 2 * ty + i) * Wp + 2 * tx + j];
                for (int j = 0; j < 4; ++j) {  // B^T d
                    t[0][j] = d[0][j] - d[2][j];
                    t[1][j] = d[1][j] + d[2][j];
                    t[2][j] = d[2][j] - d[1][j];
                    t[3][j] = d[1][j] - d[3][j];
                }
                const std::size_t at = static_cast<std::size_t>(c) * T + ty * tiles_x + tx;
                for (int i = 0; i < 4; ++i) {  // (B^T d) B
                    s.V[(i * 4 + 0) * plane + at] = t[i][0] - t[i][2];
                    s.V[(i * 4 + 1) * plane + at] = t[i][1] + t[i][2];
                    s.V[(i * 4 + 2) * plane + at] = t[i][2] - t[i][1];
                    s.V[(i * 4 + 3) * plane + at] = t[i][1] - t[i][3];
                }
            }
}

// the 16 products M[xi] = U[xi] V[xi]
void winograd_products(const float* U, int F, int C, int T, WinogradScratch& s) {
    s.M.resize(16 * static_cast<std::size_t>(F) * T);
    for (int xi = 0; xi < 16; ++xi)
        gemm(false, false, F, T, C, 1.0f, U + static_cast<std::size_t>(xi) * F * C, s.V.data() + static_cast<std::size_t>(xi) * C * T,
             0.0f, s.M.data() + static_cast<std::size_t>(xi) * F * T);
}

// out (F, H, W): each tile's A^T M A, A^T = [1 1 1 0; 0 1 -1 -1]
void winograd_output(int F, int H, int W, const WinogradScratch& s, float* out) {
    const int tiles_x = W / 2, T = (H / 2) * tiles_x;
    const std::size_t plane = static_cast<std::size_t>(F) * T;
    for (int f = 0; f < F; ++f)
        for (int ty = 0; ty < H / 2; ++ty)
            for (int tx = 0; tx < tiles_x; ++tx) {
                const std::size_t at = static_cast<std::size_t>(f) * T + ty * tiles_x + tx;
                float m[4][4], a[2][4];
                for (int xi = 0; xi < 16; ++xi) m[xi / 4][xi % 4] = s.M[xi * plane + at];
                for (int j = 0; j < 4; ++j) {
                    a[0][j] = m[0][j] + m[1][j] + m[2][j];
                    a[1][j] = m[1][j] - m[2][j] - m[3][j];
                }
                float* o = out + (static_cast<std::size_t>(f) * H + 2 * ty) * W + 2 * tx;
                o[0] = a[0][0] + a[0][1] + a[0][2];
                o[1] = a[0][1] - a[0][2] - a[0][3];
                o[W] = a[1][0] + a[1][1] + a[1][2];
                o[W + 1] = a[1][1] - a[1][2] - a[1][3];
            }
}

// The U-Net's stride-1 3x3 convolutions at even sizes, (C, F, H = W): block1 and block4, merge1, block2 and block3,
// merge2, up1. (mid and up2 run at 7 x 7, which F(2x2, 3x3) would pad to 8 x 8; 11% of the step's arithmetic.)
constexpr int kConvShapes[][3] = {{16, 16, 28}, {32, 16, 28}, {32, 32, 14}, {64, 32, 14}, {32, 64, 14}};

// Arguments: the shape's index, and 0 conv_image, 1 Winograd, 2 Winograd's 16 products alone (on one image's
// transformed input, repeated). On both threads over the 64 images, as the step runs its convolutions. Counter
// "flops": the direct convolution's arithmetic, the same for all three, so that each rate reads as an effective one.
void conv3x3_forward(benchmark::State& state) {
    const int* shape = kConvShapes[state.range(0)];
    const int C = shape[0], F = shape[1], H = shape[2], W = shape[2], algorithm = static_cast<int>(state.range(1));
    Rng rng(5);
    const Tensor x = Tensor::randn({kBatch, C, H, W}, rng), w = Tensor::randn({F, C, 3, 3}, rng);
    const std::vector<float> U = winograd_weights(w.data(), F, C);
    const ConvShape s{C, H, W, 3, 3, 1, 1, 1, H, W};
    const std::size_t image = static_cast<std::size_t>(C) * H * W, output = static_cast<std::size_t>(F) * H * W;
    std::vector<float> direct(kBatch * output), winograd(kBatch * output);
    const auto run = [&](int which, std::vector<float>& out) {
        parallel_for(kBatch, [&](int begin, int end) {
            ConvScratch conv_scratch;
            WinogradScratch scratch;
            if (which == 2) winograd_input(x.data() + static_cast<std::size_t>(begin) * image, C, H, W, scratch);
            for (int n = begin; n < end; ++n) {
                if (which == 0) {
                    conv_image(w.data(), F, x.data() + n * image, s, conv_scratch, out.data() + n * output);
                } else if (which == 1) {
                    winograd_input(x.data() + n * image, C, H, W, scratch);
                    winograd_products(U.data(), F, C, (H / 2) * (W / 2), scratch);
                    winograd_output(F, H, W, scratch, out.data() + n * output);
                } else {
                    winograd_products(U.data(), F, C, (H / 2) * (W / 2), scratch);
                }
            }
        });
    };
    run(0, direct);  // both algorithms once, compared, before anything is timed
    run(1, winograd);
    for (std::size_t i = 0; i < direct.size(); ++i)
        if (std::abs(direct[i] - winograd[i]) > 1e-3f * (1.0f + std::abs(direct[i])))
            throw std::runtime_error("conv3x3_forward: Winograd disagrees with conv_image at " + std::to_string(i));
    for (auto _ : state) run(algorithm, winograd);
    state.counters["flops"] = 2.0 * F * C * 9 * H * W * kBatch;
}
}  // namespace

// One call per repetition; ./wb bench keeps the median of the 10, as the peers do.
BENCHMARK(unet_train_step)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(10);
BENCHMARK(fma_peak)->Unit(benchmark::kMillisecond)->Arg(1)->Arg(2)->Iterations(1)->Repetitions(5);
BENCHMARK(conv3x3_forward)->Unit(benchmark::kMillisecond)->ArgsProduct({{0, 1, 2, 3, 4}, {0, 1, 2}})->Repetitions(5);

// main() is bench_main.cpp's: it keeps freed memory for reuse, as the program does.
