#!/usr/bin/python3
"""The PyTorch side of ./wb bench gan: one training step of chapter 08's GAN, as bench/gan_bench.cpp.

Run with Debian's python3-torch:  /usr/bin/python3 bench/gan_torch.py gan_step THREADS MKLDNN [REPEATS]
G: Linear 100-128, ReLU, Linear 128-784, Tanh; D: Conv2d 1-64 3x3, ReLU, MaxPool 2, Flatten, Linear 10816-1.
One step: D on real and detached fakes (one batch), BCE with logits, Adam; then G through D, Adam.
Prints one JSON object: {"case", "threads", "mkldnn", "ms" (median), "blas"}.
"""
import json
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from cnn_torch import blas, median_ms  # noqa: E402


def main():
    case, threads, mkldnn = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    if case != "gan_step":
        raise SystemExit(f"unknown case {case}")
    torch.set_num_threads(threads)
    torch.backends.mkldnn.enabled = mkldnn
    torch.manual_seed(1)
    G = torch.nn.Sequential(torch.nn.Linear(100, 128), torch.nn.ReLU(), torch.nn.Linear(128, 784), torch.nn.Tanh(),
                            torch.nn.Unflatten(1, (1, 28, 28)))
    D = torch.nn.Sequential(torch.nn.Conv2d(1, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                            torch.nn.Linear(64 * 13 * 13, 1))
    opt_g = torch.optim.Adam(G.parameters(), 1e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), 1e-4, betas=(0.5, 0.999))
    real, noise = torch.rand(64, 1, 28, 28) * 2 - 1, torch.randn(64, 100)
    ones, zeros = torch.ones(64, 1), torch.zeros(64, 1)

    def step():
        logits = D(torch.cat([real, G(noise).detach()]))
        d_loss = F.binary_cross_entropy_with_logits(logits[:64], ones) + F.binary_cross_entropy_with_logits(logits[64:], zeros)
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = F.binary_cross_entropy_with_logits(D(G(noise)), ones)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()

    print(json.dumps({"case": case, "threads": threads, "mkldnn": mkldnn, "ms": median_ms(step, repeats), "blas": blas()}))


if __name__ == "__main__":
    main()
