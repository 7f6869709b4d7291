#!/usr/bin/python3
"""The PyTorch side of ./wb bench diffusion: chapter 10's denoising U-Net as ./wb run 10 trains it, layer for layer
layers/diffusion_layers' DenoisingUNet (width C = 16, 1000 steps, 10 classes and the null label; 163,713 parameters).

Run with Debian's python3-torch:  /usr/bin/python3 bench/diffusion_torch.py CASE THREADS MKLDNN [REPEATS]
CASE unet_train_step: forward on 64 images (64, 1, 28, 28) with each image's step in [0, 1000) and label in [0, 10],
the mean squared error against a target, backward and an Adam step (lr 1e-3).
Prints one JSON object: {"case", "threads", "mkldnn", "ms" (median of REPEATS, default 10), "blas"}.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cnn_torch import blas, median_ms  # noqa: E402

WIDTH, TOTAL_STEPS, CLASSES, BATCH = 16, 1000, 10, 64
PARAMETERS = 163713  # sum of p.value->size() over our unet.params() at width 16 (bench/diffusion_bench.cpp checks it)


def conv(cin, cout, stride=1):
    """A 3x3 convolution, padding 1, as UNetConv."""
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1)


def sinusoidal(steps, dim):
    """Chapter 01's encoding of each step, (N) -> (N, dim): sin in the even columns, cos in the odd ones, pair i at
    frequency 10000^(-2i/dim)."""
    frequency = torch.pow(10000.0, -torch.arange(0, dim, 2, dtype=torch.float64) / dim)
    angle = steps.to(torch.float64).unsqueeze(1) * frequency.unsqueeze(0)  # (N, dim/2)
    return torch.stack([angle.sin(), angle.cos()], dim=2).reshape(len(steps), dim).to(torch.float32)


class ResBlock(nn.Module):
    """y = x + conv2(SiLU(conv1(SiLU(x)) + P c)), P c added to every pixel of its channel (UNetResBlock)."""

    def __init__(self, channels, cond):
        super().__init__()
        self.conv1, self.conv2 = conv(channels, channels), conv(channels, channels)
        self.p = nn.Linear(cond, channels)

    def forward(self, x, c):
        z1 = self.conv1(F.silu(x)) + self.p(c)[:, :, None, None]
        return x + self.conv2(F.silu(z1))


class DenoisingUNet(nn.Module):
    """x (N, 1, H, W), steps (N), labels (N) -> (N, 1, H, W), as DenoisingUNet::forward."""

    def __init__(self, C=WIDTH, image_channels=1):
        super().__init__()
        Cc = 2 * C
        # the time MLP (E = C, H = 2C, D = 2C) and the class table with the null label's row
        self.time1, self.time2 = nn.Linear(C, Cc), nn.Linear(Cc, Cc)
        self.class_table = nn.Embedding(CLASSES + 1, Cc)
        self.conv_in = conv(image_channels, C)
        self.block1 = ResBlock(C, Cc)
        self.down1 = conv(C, 2 * C, 2)
        self.block2 = ResBlock(2 * C, Cc)
        self.down2 = conv(2 * C, 2 * C, 2)
        self.mid = ResBlock(2 * C, Cc)
        self.up2, self.merge2 = conv(2 * C, 8 * C), conv(4 * C, 2 * C)
        self.block3 = ResBlock(2 * C, Cc)
        self.up1, self.merge1 = conv(2 * C, 4 * C), conv(2 * C, C)
        self.block4 = ResBlock(C, Cc)
        self.conv_out = conv(C, image_channels)
        self.C = C

    def forward(self, x, steps, labels):
        c = self.time2(F.silu(self.time1(sinusoidal(steps, self.C)))) + self.class_table(labels)
        h1 = self.block1(self.conv_in(x), c)
        h2 = self.block2(self.down1(h1), c)
        h = self.mid(self.down2(h2), c)
        h = self.block3(self.merge2(torch.cat([F.pixel_shuffle(self.up2(h), 2), h2], 1)), c)
        h = self.block4(self.merge1(torch.cat([F.pixel_shuffle(self.up1(h), 2), h1], 1)), c)
        return self.conv_out(F.silu(h))


def main():
    case, threads, mkldnn = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    torch.set_num_threads(threads)
    torch.backends.mkldnn.enabled = mkldnn
    torch.manual_seed(0)
    model = DenoisingUNet()
    parameters = sum(p.numel() for p in model.parameters())
    assert parameters == PARAMETERS, f"the U-Net has {parameters} parameters, ours {PARAMETERS}"
    if case != "unet_train_step":
        raise SystemExit(f"unknown case {case}")
    adam = torch.optim.Adam(model.parameters(), lr=1e-3)
    xt, target = torch.randn(BATCH, 1, 28, 28), torch.randn(BATCH, 1, 28, 28)
    steps = torch.randint(0, TOTAL_STEPS, (BATCH,))
    labels = torch.randint(0, CLASSES + 1, (BATCH,))

    def step():
        loss = F.mse_loss(model(xt, steps, labels), target)
        adam.zero_grad(set_to_none=True)
        loss.backward()
        adam.step()
    ms = median_ms(step, repeats)
    print(json.dumps({"case": case, "threads": threads, "mkldnn": mkldnn, "ms": ms, "blas": blas(),
                      "parameters": parameters}))


if __name__ == "__main__":
    main()
