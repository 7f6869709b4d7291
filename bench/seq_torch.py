#!/usr/bin/python3
"""The PyTorch side of ./wb bench lstm and ./wb bench attention: the cases of bench/seq_bench.cpp.

Run with Debian's python3-torch:  /usr/bin/python3 bench/seq_torch.py CASE THREADS MKLDNN [REPEATS]
CASE: lstm_small (batch 32, T 50, input 32, hidden 128), lstm_large (64, 100, 64, 256),
attention_small (batch 32, length 64, dim 128, 8 heads), attention_large (8, 256, 256, 8 heads).
Each call is one forward and one backward pass computing every input and parameter gradient.
Prints one JSON object: {"case", "threads", "mkldnn", "ms" (median), "blas"}.
"""
import json
import sys

import torch

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from cnn_torch import blas, median_ms  # noqa: E402

SHAPES = {"lstm_small": (32, 50, 32, 128), "lstm_large": (64, 100, 64, 256),
          "attention_small": (32, 64, 128, 8), "attention_large": (8, 256, 256, 8)}


def lstm_case(B, T, I, H):
    lstm = torch.nn.LSTM(I, H, batch_first=True)
    x = torch.randn(B, T, I, requires_grad=True)
    h0 = torch.randn(1, B, H, requires_grad=True)
    c0 = torch.randn(1, B, H, requires_grad=True)
    dout = torch.randn(B, T, H)
    inputs = [x, h0, c0, *lstm.parameters()]

    def call():
        out, _ = lstm(x, (h0, c0))
        torch.autograd.grad(out, inputs, dout)
    return call


def attention_case(B, L, E, heads):
    mha = torch.nn.MultiheadAttention(E, heads, batch_first=True)
    x = torch.randn(B, L, E, requires_grad=True)
    dout = torch.randn(B, L, E)
    inputs = [x, *mha.parameters()]

    def call():
        # need_weights=False lets PyTorch skip returning the weights: its fastest path
        out, _ = mha(x, x, x, need_weights=False)
        torch.autograd.grad(out, inputs, dout)
    return call


def main():
    case, threads, mkldnn = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else (30 if case.endswith("small") else 10)
    torch.set_num_threads(threads)
    torch.backends.mkldnn.enabled = mkldnn
    torch.manual_seed(1)
    call = lstm_case(*SHAPES[case]) if case.startswith("lstm") else attention_case(*SHAPES[case])
    print(json.dumps({"case": case, "threads": threads, "mkldnn": mkldnn, "ms": median_ms(call, repeats), "blas": blas()}))


if __name__ == "__main__":
    main()
