#!/usr/bin/python3
"""The PyTorch side of ./wb bench cnn: the same cases as bench/cnn_bench.cpp, in PyTorch.

Run with Debian's python3-torch:  /usr/bin/python3 bench/cnn_torch.py CASE THREADS MKLDNN [REPEATS]
CASE: conv_forward, conv_backward, maxpool_forward, maxpool_backward, train_epoch_binary.
THREADS: torch.set_num_threads. MKLDNN: 1 or 0, torch.backends.mkldnn.enabled (on this machine
Debian's build runs these small convolutions several times faster with oneDNN off, so ./wb bench
tries both and keeps the faster, as it does for the thread count).
Prints one JSON object: {"case", "threads", "mkldnn", "ms" (median), "blas"}.
"""
import gzip
import json
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"


def blas():
    """The BLAS library this process actually loaded (Debian's torch calls libblas.so.3, an alternative)."""
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line.lower() and line.split()[-1].startswith("/")}
    return ", ".join(sorted(libs)) or "none loaded"


def idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def median_ms(fn, repeats, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def kernel_case(case, repeats):
    torch.manual_seed(1)
    x = torch.rand(32, 1, 28, 28)
    w = torch.randn(32, 1, 3, 3) * 0.3
    b = torch.randn(32) * 0.1
    if case == "conv_forward":
        return median_ms(lambda: F.conv2d(x, w, b), repeats)
    if case == "conv_backward":  # weight and bias gradients only, as for a first layer
        wg, bg = w.clone().requires_grad_(True), b.clone().requires_grad_(True)
        out = F.conv2d(x, wg, bg)
        dout = torch.randn_like(out)
        return median_ms(lambda: torch.autograd.grad(out, (wg, bg), dout, retain_graph=True), repeats)
    y = torch.randn(32, 32, 26, 26)
    if case == "maxpool_forward":
        return median_ms(lambda: F.max_pool2d(y, 2), repeats)
    if case == "maxpool_backward":
        yg = y.clone().requires_grad_(True)
        out = F.max_pool2d(yg, 2)
        dout = torch.randn_like(out)
        return median_ms(lambda: torch.autograd.grad(out, yg, dout, retain_graph=True), repeats)
    raise SystemExit(f"unknown case {case}")


def train_epoch(repeats):
    """One epoch of the source's binary model: the same layers, batch, optimizer and loss as ./wb run 07."""
    images = torch.from_numpy(idx(f"{DATA}/train-images-idx3-ubyte.gz", 16).astype(np.float32) / 255).reshape(-1, 1, 28, 28)
    labels = torch.from_numpy(idx(f"{DATA}/train-labels-idx1-ubyte.gz", 8).astype(np.int64))
    targets = ((labels == 5) | (labels == 7) | (labels == 9)).float().reshape(-1, 1)

    def epoch():
        torch.manual_seed(7)
        model = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                    torch.nn.Flatten(), torch.nn.Linear(32 * 13 * 13, 1), torch.nn.Sigmoid())
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.BCELoss()
        order = torch.randperm(images.shape[0])
        for start in range(0, images.shape[0], 32):
            batch = order[start:start + 32]
            opt.zero_grad()
            loss = loss_fn(model(images[batch]), targets[batch])
            loss.backward()
            opt.step()

    return median_ms(epoch, repeats, warmup=0)


def main():
    case, threads, mkldnn = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else (1 if case == "train_epoch_binary" else 200)
    torch.set_num_threads(threads)
    torch.backends.mkldnn.enabled = mkldnn
    ms = train_epoch(repeats) if case == "train_epoch_binary" else kernel_case(case, repeats)
    print(json.dumps({"case": case, "threads": threads, "mkldnn": mkldnn, "ms": ms, "blas": blas()}))


if __name__ == "__main__":
    main()
