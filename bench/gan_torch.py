#!/usr/bin/python3
"""The PyTorch side of ./wb bench gan: chapter 08's GAN, as bench/gan_bench.cpp trains it.

Run with Debian's python3-torch:  /usr/bin/python3 bench/gan_torch.py CASE THREADS MKLDNN [REPEATS]
CASE gan_step: one training step on a fixed batch (median of REPEATS, default 30);
CASE gan_epoch: one epoch over the 60000 Fashion-MNIST training images in [-1, 1], shuffled, fresh noise per step.
G: Linear 100-128, ReLU, Linear 128-784, Tanh; D: Conv2d 1-64 3x3, ReLU, MaxPool 2, Flatten, the minibatch
standard deviation of each feature over groups of 16 rows (appended: 21632 features, 128 channels of 13x13), the
standard deviation of each channel's mean over the same groups (appended: 21760), Linear 21760-1.
One step: D on real and detached fakes (one batch, real rows first), BCE with logits, Adam (beta1 0.5, D 5e-5);
then G through D, Adam (G 2e-3); then G again down the MMD between G(noise) and the real batch (Gaussian kernels
of bandwidths 0.025, 0.1, 0.4 in mean squared difference per pixel), its own Adam (1e-3): the recipe of
programs/08_gan_program/recipe.hpp.
Prints one JSON object: {"case", "threads", "mkldnn", "ms" (median), "blas"}.
"""
import json
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from cnn_torch import DATA, blas, idx, median_ms  # noqa: E402

BATCH = 64
GROUP = 16  # rows per minibatch-stddev group, as kStddevGroup
MMD_BANDWIDTHS = (0.025, 0.1, 0.4)  # as gan_recipe::kMmdBandwidths


class MinibatchStddev(torch.nn.Module):
    """x (N, F) -> (N, 2F): each feature's population std over its group of GROUP consecutive rows, appended."""

    def forward(self, x):
        group = min(GROUP, x.shape[0])
        grouped = x.reshape(-1, group, x.shape[1])
        # mean and squares by hand: var(dim=1) reduces over this short middle dimension 5x slower (measured)
        std = torch.sqrt((grouped - grouped.mean(dim=1, keepdim=True)).pow(2).mean(dim=1) + 1e-8)
        return torch.cat([x, std.unsqueeze(1).expand_as(grouped).reshape(x.shape)], dim=1)


class ChannelStddev(torch.nn.Module):
    """x (N, C*P) -> (N, C*P + C): the population std of each channel's mean over its group, appended."""

    def __init__(self, channels):
        super().__init__()
        self.channels = channels

    def forward(self, x):
        group = min(GROUP, x.shape[0])
        means = x.reshape(x.shape[0], self.channels, -1).mean(dim=2).reshape(-1, group, self.channels)
        std = torch.sqrt((means - means.mean(dim=1, keepdim=True)).pow(2).mean(dim=1) + 1e-8)
        return torch.cat([x, std.unsqueeze(1).expand_as(means).reshape(x.shape[0], self.channels)], dim=1)


def mmd(fake, real):
    """The unbiased MMD^2 of wb::mmd_loss: k(a, b) = sum_h exp(-|a - b|^2 / (P h)) over rows of P values."""
    n = fake.shape[0]
    fake, real = fake.reshape(n, -1), real.reshape(real.shape[0], -1)
    everything = torch.cat([fake, real])
    d2 = torch.cdist(everything, everything) ** 2 / fake.shape[1]
    k = sum(torch.exp(-d2 / h) for h in MMD_BANDWIDTHS)
    off_diagonal = 1 - torch.eye(2 * n)
    ff, rr, fr = (k * off_diagonal)[:n, :n], (k * off_diagonal)[n:, n:], k[:n, n:]
    return ff.sum() / (n * (n - 1)) + rr.sum() / (n * (n - 1)) - 2 * fr.mean()


def networks():
    torch.manual_seed(1)
    G = torch.nn.Sequential(torch.nn.Linear(100, 128), torch.nn.ReLU(), torch.nn.Linear(128, 784), torch.nn.Tanh(),
                            torch.nn.Unflatten(1, (1, 28, 28)))
    D = torch.nn.Sequential(torch.nn.Conv2d(1, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                            MinibatchStddev(), ChannelStddev(128), torch.nn.Linear(2 * 64 * 13 * 13 + 128, 1))
    return G, D


def make_step(G, D):
    opt_g = torch.optim.Adam(G.parameters(), 2e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), 5e-5, betas=(0.5, 0.999))
    opt_mmd = torch.optim.Adam(G.parameters(), 1e-3, betas=(0.5, 0.999))
    ones, zeros = torch.ones(BATCH, 1), torch.zeros(BATCH, 1)

    def step(real, noise):
        logits = D(torch.cat([real, G(noise).detach()]))
        d_loss = F.binary_cross_entropy_with_logits(logits[:BATCH], ones) + \
            F.binary_cross_entropy_with_logits(logits[BATCH:], zeros)
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = F.binary_cross_entropy_with_logits(D(G(noise)), ones)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        mmd_loss = mmd(G(noise), real)
        opt_mmd.zero_grad()
        mmd_loss.backward()
        opt_mmd.step()
    return step


def main():
    case, threads, mkldnn = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
    if case not in ("gan_step", "gan_epoch"):
        raise SystemExit(f"unknown case {case}")
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else (1 if case == "gan_epoch" else 30)
    torch.set_num_threads(threads)
    torch.backends.mkldnn.enabled = mkldnn
    step = make_step(*networks())
    if case == "gan_step":
        real, noise = torch.rand(BATCH, 1, 28, 28) * 2 - 1, torch.randn(BATCH, 100)
        ms = median_ms(lambda: step(real, noise), repeats)
    else:
        pixels = idx(f"{DATA}/train-images-idx3-ubyte.gz", 16).astype(np.float32) / 255
        images = torch.from_numpy(pixels).reshape(-1, 1, 28, 28) * 2 - 1

        def epoch():
            order = torch.randperm(images.shape[0])
            for start in range(0, images.shape[0] - BATCH + 1, BATCH):
                step(images[order[start:start + BATCH]], torch.randn(BATCH, 100))
        ms = median_ms(epoch, repeats, warmup=0)
    print(json.dumps({"case": case, "threads": threads, "mkldnn": mkldnn, "ms": ms, "blas": blas()}))


if __name__ == "__main__":
    main()
