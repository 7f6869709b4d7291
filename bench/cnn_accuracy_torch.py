#!/usr/bin/python3
"""Chapter 07's models trained in PyTorch, for the accuracies its page compares with (not a benchmark: it
times nothing). Run with Debian's python3-torch:

    /usr/bin/python3 bench/cnn_accuracy_torch.py --task 10class --epochs 2 --seeds 1 2 3

The models and training are the program's (programs/07_cnn_program, chapters/07_cnn_program/models.hpp):
Conv2d 1-32 3x3, ReLU, MaxPool 2, Flatten, Linear 5408-1 with a sigmoid and binary cross-entropy (task binary:
footwear, labels 5, 7 and 9, against the rest; Glorot-uniform weights, zero biases, as Keras) or Linear 5408-10
with softmax cross-entropy (task 10class; PyTorch's default initialisation); Adam 1e-3, batch 32, shuffled
each epoch; tested on Fashion-MNIST's 10,000 test images. Prints one JSON line per seed and a summary line."""
import argparse
import json
import statistics

import numpy as np
import torch
import torch.nn.functional as F

from cnn_torch import DATA, idx


def load(split):
    x = idx(f"{DATA}/{split}-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0
    y = idx(f"{DATA}/{split}-labels-idx1-ubyte.gz", 8).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def model(task):
    out = 1 if task == "binary" else 10
    m = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                            torch.nn.Linear(32 * 13 * 13, out))
    if task == "binary":  # Keras's defaults, as the source's model
        for layer in (m[0], m[4]):
            torch.nn.init.xavier_uniform_(layer.weight)
            torch.nn.init.zeros_(layer.bias)
    return m


def run(task, epochs, seed, train, test):
    torch.manual_seed(seed)
    m = model(task)
    opt = torch.optim.Adam(m.parameters(), 1e-3)
    (x, y), (tx, ty) = train, test
    target = (y == 5) | (y == 7) | (y == 9) if task == "binary" else y
    for _ in range(epochs):
        order = torch.randperm(len(x))
        for start in range(0, len(x), 32):
            rows = order[start:start + 32]
            logits = m(x[rows])
            loss = F.binary_cross_entropy_with_logits(logits[:, 0], target[rows].float()) if task == "binary" \
                else F.cross_entropy(logits, target[rows])
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        logits = m(tx)
        if task == "binary":
            right = ((logits[:, 0] > 0) == ((ty == 5) | (ty == 7) | (ty == 9))).float().mean()
        else:
            right = (logits.argmax(1) == ty).float().mean()
    return float(right)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--task", choices=["binary", "10class"], default="10class")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = p.parse_args()
    torch.set_num_threads(2)
    train, test = load("train"), load("t10k")
    accuracies = []
    for seed in args.seeds:
        accuracies.append(run(args.task, args.epochs, seed, train, test))
        print(json.dumps({"task": args.task, "epochs": args.epochs, "seed": seed, "test_accuracy": round(accuracies[-1], 4)}),
              flush=True)
    print(json.dumps({"task": args.task, "epochs": args.epochs, "seeds": len(accuracies),
                      "mean": round(statistics.fmean(accuracies), 4), "min": round(min(accuracies), 4),
                      "max": round(max(accuracies), 4),
                      "stdev": round(statistics.stdev(accuracies), 4) if len(accuracies) > 1 else 0.0}))


if __name__ == "__main__":
    main()
