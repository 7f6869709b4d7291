#!/usr/bin/python3
"""The PyTorch side of ./wb bench transformer: chapter 09's GPT as ./wb run 09 trains it (the same model as
programs/09_transformer/twin_torch.py: vocabulary 114, width 128, 4 blocks of 4 query and 2 key/value heads, SwiGLU
352, untied head).

Run with Debian's python3-torch:  /usr/bin/python3 bench/transformer_torch.py CASE THREADS MKLDNN [REPEATS]
CASE gpt_train_step: forward, cross-entropy, backward and an Adam step on 16 windows of 128 tokens;
CASE gpt_decode_512: 32 greedy decode steps with a KV cache, from a 480-token prompt (prefilled, untimed) to 512.
Prints one JSON object: {"case", "threads", "mkldnn", "ms" (median of REPEATS, default 10), "blas"}.
"""
import json
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "programs", "09_transformer"))
from cnn_torch import blas, median_ms  # noqa: E402
from twin_torch import Gpt, loss_of  # noqa: E402

CONFIG = {"vocab": 114, "width": 128, "layers": 4, "heads": 4, "kv_heads": 2, "hidden": 352}
BATCH, CONTEXT, PROMPT, NEW = 16, 128, 480, 32


def weights():
    """Parameters of the shapes run_09 names them, N(0, 0.02) (the values do not change the time)."""
    D, V, F = CONFIG["width"], CONFIG["vocab"], CONFIG["hidden"]
    Q, KV = D, CONFIG["kv_heads"] * D // CONFIG["heads"]
    w = {"embedding.table": torch.randn(V, D) * 0.02, "final_norm.gain": torch.ones(D), "head": torch.randn(V, D) * 0.02}
    for l in range(CONFIG["layers"]):
        shapes = {"attention_norm": None, "w_q": (Q, D), "w_k": (KV, D), "w_v": (KV, D), "w_o": (D, Q),
                  "ffn_norm": None, "w_gate": (F, D), "w_up": (F, D), "w_down": (D, F)}
        for name, shape in shapes.items():
            w[f"block{l}.{name}"] = torch.ones(D) if shape is None else torch.randn(*shape) * 0.02
    return w


def main():
    case, threads, mkldnn = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    torch.set_num_threads(threads)
    torch.backends.mkldnn.enabled = mkldnn
    torch.manual_seed(0)
    model = Gpt(CONFIG, weights())
    if case == "gpt_train_step":
        adam = torch.optim.Adam(model.parameters(), lr=2e-3)
        ids = torch.randint(0, CONFIG["vocab"], (BATCH, CONTEXT + 1))

        def step():
            loss = loss_of(model, ids[:, :-1], ids[:, 1:])
            adam.zero_grad(set_to_none=True)
            loss.backward()
            adam.step()
        ms = median_ms(step, repeats)
    elif case == "gpt_decode_512":
        prompt = torch.randint(0, CONFIG["vocab"], (1, PROMPT))
        ms = decode_ms(model, prompt, repeats)
    else:
        raise SystemExit(f"unknown case {case}")
    print(json.dumps({"case": case, "threads": threads, "mkldnn": mkldnn, "ms": ms, "blas": blas()}))


def decode_ms(model, prompt, repeats):
    """The median over `repeats` runs of the NEW decode steps' milliseconds, each run after its own (untimed)
    prefill, after three warm-up runs as median_ms."""
    times = []
    for run in range(repeats + 3):
        with torch.no_grad():
            cache = [[None, None] for _ in range(CONFIG["layers"])]
            logits = model(prompt, cache)
            started = time.perf_counter()
            for _ in range(NEW):
                token = logits[:, -1].argmax(-1, keepdim=True)
                logits = model(token, cache)
            if run >= 3:  # three warm-up runs, as median_ms
                times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[len(times) // 2]


if __name__ == "__main__":
    main()
