"""The PyTorch twin of ./wb run 09's GPT: the same model, written from the same formulas in PyTorch, starting from
the initial weights run_09 wrote and trained on the same batches with the same Adam, so that the two validation
losses can be compared.

    /usr/bin/python3 programs/09_transformer/twin_torch.py build/out/09/twin [threads]

./wb run 09 --twin runs it after the program and adds its losses to metrics.json.

The folder is the one `run_09 --twin FOLDER` wrote (init.wbt, batches.wbt, config.json). Prints one JSON line:
the validation loss after each epoch and the seconds each epoch took."""
import json
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "fixtures"))
import wbt  # noqa: E402


def rms_norm(x, gain, eps=1e-6):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * gain


def rope(x, start=0, base=10000.0):
    """x (N, H, T, Dh) at positions start .. start+T-1, the half-split pairing: feature i turns with feature i + Dh/2
    by position * base^(-2i/Dh)."""
    T, Dh = x.shape[-2], x.shape[-1]
    theta = base ** (-torch.arange(0, Dh // 2, dtype=torch.float64) * 2 / Dh)
    angle = torch.arange(start, start + T, dtype=torch.float64)[:, None] * theta[None, :]
    cos, sin = angle.cos().to(x.dtype), angle.sin().to(x.dtype)
    first, second = x[..., :Dh // 2], x[..., Dh // 2:]
    return torch.cat([first * cos - second * sin, first * sin + second * cos], dim=-1)


class Gpt(torch.nn.Module):
    def __init__(self, config, weights):
        super().__init__()
        self.c = config
        self.p = torch.nn.ParameterDict({name.replace(".", "_"): torch.nn.Parameter(w) for name, w in weights.items()})

    def forward(self, ids, cache=None):
        """ids (N, T) -> logits (N, T, V). With cache (a list of one [k, v] per block, k and v (N, Hkv, S, Dh) or
        None): the ids follow the S cached positions, whose keys and values the call extends."""
        c, p = self.c, self.p
        N, T = ids.shape
        Hq, Hkv = c["heads"], c["kv_heads"]
        Dh = c["width"] // Hq
        start = 0 if cache is None or cache[0][0] is None else cache[0][0].shape[2]
        x = p["embedding_table"][ids]
        # causal, bottom-right aligned: query t (position start + t) sees keys 0 .. start + t
        mask = torch.ones(T, start + T, dtype=torch.bool).triu(start + 1)
        for layer in range(c["layers"]):
            w = lambda name: p[f"block{layer}_{name}"]  # noqa: E731
            a = rms_norm(x, w("attention_norm"))
            q = rope((a @ w("w_q").T).view(N, T, Hq, Dh).transpose(1, 2), start)
            k = rope((a @ w("w_k").T).view(N, T, Hkv, Dh).transpose(1, 2), start)
            v = (a @ w("w_v").T).view(N, T, Hkv, Dh).transpose(1, 2)
            if cache is not None:
                if cache[layer][0] is not None:
                    k, v = torch.cat([cache[layer][0], k], dim=2), torch.cat([cache[layer][1], v], dim=2)
                cache[layer] = [k, v]
            k = k.repeat_interleave(Hq // Hkv, dim=1)  # query head h reads kv head h // G
            v = v.repeat_interleave(Hq // Hkv, dim=1)
            scores = (q @ k.transpose(-1, -2)) / math.sqrt(Dh)
            attended = scores.masked_fill(mask, float("-inf")).softmax(-1) @ v
            x = x + attended.transpose(1, 2).reshape(N, T, Hq * Dh) @ w("w_o").T
            b = rms_norm(x, w("ffn_norm"))
            x = x + (torch.nn.functional.silu(b @ w("w_gate").T) * (b @ w("w_up").T)) @ w("w_down").T
        return rms_norm(x, p["final_norm_gain"]) @ p["head"].T


def loss_of(model, inputs, targets):
    logits = model(inputs)
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def main(folder, threads=None):
    if threads:
        torch.set_num_threads(int(threads))
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    model = Gpt(config, wbt.load(os.path.join(folder, "init.wbt")))
    data = wbt.load(os.path.join(folder, "batches.wbt"))
    ids = lambda name: data[name].long()  # noqa: E731
    val = [(ids(f"val_inputs{i}"), ids(f"val_targets{i}")) for i in range(config["val_batches"])]
    adam = torch.optim.Adam(model.parameters(), lr=config["lr"], betas=(0.9, 0.999), eps=1e-8)
    epochs, step = [], 0
    for _ in range(config["epochs"]):
        started = time.perf_counter()
        train_sum = 0.0
        for _ in range(config["steps"]):
            loss = loss_of(model, ids(f"inputs{step}"), ids(f"targets{step}"))
            adam.zero_grad(set_to_none=True)
            loss.backward()
            adam.step()
            train_sum += loss.item()
            step += 1
        seconds = time.perf_counter() - started
        with torch.no_grad():
            val_loss = sum(loss_of(model, x, y).item() for x, y in val) / len(val)
        epochs.append({"train_loss": train_sum / config["steps"], "val_loss": val_loss, "seconds": seconds})
    print(json.dumps({"threads": torch.get_num_threads(), "torch": torch.__version__, "epochs": epochs}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
