"""./wb drill [CHAPTER|TOPIC] [--count N] [--seed S] [--exam] [--json] [--sheet FILE.md]: interview drills.

Every question is generated from random parameters. Its answer comes from the workbook's own code wherever it
can: build_dir/programs/drill_oracle (programs/drill/oracle.cpp) builds the framework's layer and reads its
shape inference and parameters, or runs its convolution kernels. A few answers have no layer behind them
(KV-cache bytes, IoU, softmax of three numbers, the optimal discriminator, the Frechet distance of two
Gaussians); those are computed here, in one line each, and say so.

A wrong numeric answer is matched against the documented mistakes of that question (INTERVIEW.md: FLOPs that
are MACs, one LSTM bias where PyTorch has two, padding added once, ...): the learner is told which mistake it
was, in English and Chinese, with the chapter page that explains it. Multiple-choice options are the answer
and those mistakes. Results go to .wb-progress.json: a missed kind of question comes back in the next
session, one answered right waits 2, 4, 8 then 16 sessions (Leitner boxes)."""
import json
import math
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field

import build
import progress
from project import BUILD, paint, say

ORACLE_TARGET = "drill_oracle"
PAGES = {"01": "chapters/01_attention/README.md", "02": "chapters/02_attention_nlp/README.md",
         "03": "chapters/03_lstm/README.md", "04": "chapters/04_cnn/README.md", "05": "chapters/05_gan/README.md",
         "08": "chapters/08_gan_program/README.md", "09": "chapters/09_transformer/README.md",
         "10": "chapters/10_diffusion/README.md", "11": "chapters/11_lm_training/README.md"}


class DrillError(ValueError):
    """Parameters that make no question (a kernel larger than the padded input, a negative size, ...)."""


@dataclass
class Mistake:
    value: object   # what the mistake gives
    en: str         # which mistake it is, and the right reasoning
    zh: str


@dataclass
class Question:
    kind: str
    chapter: str
    en: str
    zh: str
    answer: object                 # a number, or the text of the right option
    why_en: str                    # the right reasoning
    why_zh: str
    tolerance: float = 0.0         # absolute, for numbers (0: exact, after rounding to the unit)
    relative: float = 0.0          # relative tolerance, for large numbers
    unit: str = ""
    mistakes: list = field(default_factory=list)
    options: list = field(default_factory=list)   # multiple choice: texts, the answer among them
    source: str = "framework"      # where the answer key came from
    params: dict = field(default_factory=dict)

    @property
    def page(self):
        return PAGES.get(self.chapter, "")

    def to_json(self, with_answer=True):
        d = {"kind": self.kind, "chapter": self.chapter, "question": self.en, "question_zh": self.zh,
             "unit": self.unit, "options": self.options, "params": self.params, "answer_source": self.source,
             "page": self.page}
        if with_answer:
            d.update(answer=self.answer, tolerance=self.tolerance, relative_tolerance=self.relative,
                     why=self.why_en, why_zh=self.why_zh,
                     mistakes=[{"value": m.value, "why": m.en, "why_zh": m.zh} for m in self.mistakes])
        return d


class Oracle:
    """The framework's answers (programs/drill/oracle.cpp), one process for a whole session."""

    def __init__(self):
        self.path = os.path.join(BUILD, "programs", ORACLE_TARGET)
        ok, output = build.build([ORACLE_TARGET])
        if not ok:
            print(build.first_compiler_error(output))
            raise SystemExit("wb: the drill's answer key (programs/drill/oracle.cpp) does not build")
        self.proc = subprocess.Popen([self.path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.answers = {}  # query line -> reply

    def ask(self, **query):
        line = json.dumps(query, sort_keys=True)
        if line not in self.answers:  # the layers' answers never change; a GPT takes a tenth of a second to build
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
            self.answers[line] = json.loads(self.proc.stdout.readline())
        reply = self.answers[line]
        if "error" in reply:
            raise DrillError(reply["error"])
        return reply

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


# ---------------------------------------------------------------------------------------------------------
# Generators: gen(rng, oracle, **params) -> Question. Random parameters unless given (the tests give bad ones).

def pick(rng, params, name, choices):
    return params[name] if name in params else rng.choice(choices)


def gen_conv_output(rng, oracle, **p):
    C, H = pick(rng, p, "C", [1, 3, 16, 64]), pick(rng, p, "H", list(range(5, 65)))
    k, s = pick(rng, p, "k", [1, 3, 5, 7]), pick(rng, p, "s", [1, 1, 2, 2, 3])
    pad, d = pick(rng, p, "p", [0, 0, 1, 1, 2, 3]), pick(rng, p, "d", [1, 1, 1, 2, 3])
    if min(C, H, k, s, d) < 1 or pad < 0:
        raise DrillError(f"conv_output: sizes, kernel, stride and dilation must be positive, padding >= 0 "
                         f"(got C={C}, H={H}, k={k}, s={s}, d={d}, p={pad})")
    out = oracle.ask(op="conv", **{"in": [C, H, H]}, out_channels=8, kernel=k, stride=s, padding=pad, dilation=d)
    oh = out["shape"][1]
    span = d * (k - 1) + 1
    mistakes = [Mistake(math.ceil((H + 2 * pad - span) / s) + 1,
                        "rounded up: windows that do not fit are dropped, so convolutions take the floor (ceil_mode "
                        "exists only for pooling)", "向上取整了：放不下的窗口会被丢掉，卷积总是向下取整（ceil_mode 只有池化才有）"),
                Mistake((H + pad - span) // s + 1, "padding added once: it goes on both sides, 2p",
                        "填充只加了一次：两边都要加，是 2p"),
                Mistake((H + 2 * pad - span) // s, "forgot the +1: the first window counts too",
                        "漏了 +1：第一个窗口也要算上")]
    if d > 1:
        mistakes.insert(0, Mistake((H + 2 * pad - k) // s + 1,
                                   f"ignored the dilation: a dilated kernel spans d(k-1)+1 = {span} inputs, not k = {k}",
                                   f"忽略了空洞率：空洞卷积核覆盖 d(k-1)+1 = {span} 个输入，而不是 k = {k}"))
    return Question(
        "conv_output", "04",
        f"A convolution with a {k}x{k} kernel, stride {s}, padding {pad} and dilation {d} runs on a {C}x{H}x{H} "
        f"input (C, H, W). What is the output's height?",
        f"输入 C×H×W = {C}×{H}×{H}，卷积核 {k}×{k}，步长 {s}，填充 {pad}，空洞率 {d}。输出的高是多少？",
        oh, f"out = floor((H + 2p - d(k-1) - 1) / s) + 1 = floor(({H} + {2 * pad} - {span - 1} - 1) / {s}) + 1 = {oh}",
        f"out = ⌊(H + 2p − d(k−1) − 1) / s⌋ + 1 = ⌊({H} + {2 * pad} − {span - 1} − 1) / {s}⌋ + 1 = {oh}",
        mistakes=mistakes, params=dict(C=C, H=H, k=k, s=s, p=pad, d=d))


def gen_conv_params(rng, oracle, **p):
    C, F, k = pick(rng, p, "C", [1, 3, 16, 32, 64]), pick(rng, p, "F", [8, 16, 32, 64, 128]), pick(rng, p, "k", [1, 3, 5, 7])
    if min(C, F, k) < 1:
        raise DrillError(f"conv_params: channels and kernel must be positive (got C={C}, F={F}, k={k})")
    n = oracle.ask(op="conv", **{"in": [C, k, k]}, out_channels=F, kernel=k)["params"]
    return Question(
        "conv_params", "04", f"How many trainable parameters has Conv2d({C} -> {F} channels, {k}x{k} kernel, with bias)?",
        f"Conv2d（输入 {C} 通道，{F} 个 {k}×{k} 卷积核，带偏置）有多少个可训练参数？", n,
        f"F*C*k*k weights + F biases = {F}*{C}*{k * k} + {F} = {n}", f"F·C·k·k 个权重 + F 个偏置 = {n}",
        mistakes=[Mistake(F * C * k * k, "forgot the biases: one per output channel", "漏了偏置：每个输出通道一个"),
                  Mistake(F * k * k + F, "forgot the input channels: each filter spans all C of them",
                          "漏了输入通道：每个卷积核覆盖全部 C 个输入通道"),
                  Mistake(F * C * k * k + F * C, "one bias per (input, output) pair: there is one per output channel",
                          "偏置按输入输出通道对来算了：其实每个输出通道只有一个")],
        params=dict(C=C, F=F, k=k))


def gen_conv_macs(rng, oracle, **p):
    C, H, F = pick(rng, p, "C", [3, 16, 32, 64]), pick(rng, p, "H", [8, 14, 16, 28, 32, 56]), pick(rng, p, "F", [16, 32, 64])
    k, s = pick(rng, p, "k", [1, 3, 5]), pick(rng, p, "s", [1, 2])
    pad = k // 2
    r = oracle.ask(op="conv", **{"in": [C, H, H]}, out_channels=F, kernel=k, stride=s, padding=pad)
    macs, oh = r["macs"], r["shape"][1]
    return Question(
        "conv_macs", "04",
        f"Conv2d({C} -> {F}, {k}x{k}, stride {s}, padding {pad}) on one {C}x{H}x{H} image: how many multiply-accumulates "
        f"(MACs), the bias not counted?",
        f"Conv2d（{C} → {F}，{k}×{k}，步长 {s}，填充 {pad}）处理一张 {C}×{H}×{H} 的图，需要多少次乘加（MACs，不计偏置）？",
        macs, f"each of the F*OH*OW = {F}*{oh}*{oh} outputs needs C*k*k = {C * k * k} MACs: {macs}",
        f"输出共 F·OH·OW = {F}·{oh}·{oh} 个，每个需要 C·k·k = {C * k * k} 次乘加：{macs}", relative=5e-3,
        mistakes=[Mistake(2 * macs, "that is FLOPs (a MAC is a multiply and an add): the question asks for MACs",
                          "这是 FLOPs（一次乘加算两次浮点运算），题目问的是 MACs"),
                  Mistake(F * C * k * k * H * H, f"used the input size, not the output's ({oh}x{oh})",
                          f"用了输入尺寸，应该用输出尺寸 {oh}×{oh}"),
                  Mistake(F * k * k * oh * oh, "forgot the input channels", "漏了输入通道数")],
        params=dict(C=C, H=H, F=F, k=k, s=s, p=pad))


def gen_dense_params(rng, oracle, **p):
    I, O = pick(rng, p, "I", [10, 64, 100, 256, 784, 1024]), pick(rng, p, "O", [1, 10, 32, 128, 512])
    if min(I, O) < 1:
        raise DrillError(f"dense_params: sizes must be positive (got {I}, {O})")
    n = oracle.ask(op="dense", **{"in": I}, out=O)["params"]
    return Question("dense_params", "04", f"How many parameters has a Dense (Linear) layer from {I} to {O} features?",
                    f"一个从 {I} 维到 {O} 维的全连接层有多少个参数？", n, f"{I}*{O} weights + {O} biases = {n}",
                    f"{I}·{O} 个权重 + {O} 个偏置 = {n}",
                    mistakes=[Mistake(I * O, "forgot the biases", "漏了偏置"),
                              Mistake(I * O + I, "one bias per input: there is one per output", "偏置按输入算了：每个输出一个")],
                    params=dict(I=I, O=O))


def gen_lstm_params(rng, oracle, **p):
    I, H = pick(rng, p, "I", [8, 16, 32, 64, 100, 128]), pick(rng, p, "H", [16, 32, 64, 128, 256])
    style = pick(rng, p, "style", ["PyTorch", "Keras"])
    if min(I, H) < 1:
        raise DrillError(f"lstm_params: sizes must be positive (got {I}, {H})")
    r = oracle.ask(op="lstm", **{"in": I}, hidden=H)
    pytorch, second = r["params"], r["second_bias"]  # the framework's layer is PyTorch's: b_ih and b_hh
    keras = pytorch - second
    answer, other = (pytorch, keras) if style == "PyTorch" else (keras, pytorch)
    return Question(
        "lstm_params", "03", f"How many parameters has one LSTM layer with input size {I} and hidden size {H}, as {style} "
        f"counts them?", f"一层 LSTM，输入维度 {I}，隐藏维度 {H}，按 {style} 的实现有多少个参数？", answer,
        f"4 blocks (input, forget and output gates, and the cell candidate) x (H*I input weights + H*H recurrent "
        f"weights + biases); PyTorch keeps two bias vectors (b_ih and b_hh), Keras one: {style} gives {answer}",
        f"4 组（输入门、遗忘门、输出门和候选记忆单元）×（H·I 输入权重 + H·H 循环权重 + 偏置）；PyTorch 有两组偏置"
        f"（b_ih 和 b_hh），Keras 只有一组：{style} 是 {answer}",
        mistakes=[Mistake(other, f"that is the other library's count: PyTorch has two bias vectors, Keras one ({style} asked)",
                          f"这是另一个框架的数：PyTorch 两组偏置，Keras 一组（题目问的是 {style}）"),
                  Mistake(answer // 4, "one block only: an LSTM has four (three gates and the cell candidate)",
                          "只算了一组：LSTM 有四组（三个门和候选记忆单元）"),
                  Mistake(answer - 4 * H * H, "forgot the recurrent weights (H x H per gate)", "漏了循环权重（每个门 H×H）")],
        params=dict(I=I, H=H, style=style))


def gen_mha_params(rng, oracle, **p):
    E = pick(rng, p, "E", [64, 128, 256, 512, 768])
    heads = pick(rng, p, "heads", [h for h in (1, 2, 4, 8, 12, 16) if E % h == 0])
    n = oracle.ask(op="mha", embed=E, heads=heads)["params"]
    return Question(
        "mha_params", "01", f"How many parameters has multi-head self-attention with model width {E} and {heads} heads "
        f"(query, key, value and output projections, with biases)?",
        f"模型宽度 {E}、{heads} 个头的多头自注意力（Q、K、V 和输出投影，都带偏置）有多少个参数？", n,
        f"four {E}x{E} projections and four biases: 4d^2 + 4d = {n}, whatever the number of heads (the heads split d)",
        f"四个 {E}×{E} 的投影加四个偏置：4d² + 4d = {n}，与头数无关（多头只是把 d 切开）",
        mistakes=[Mistake(n * heads, "multiplied by the heads: the heads split the width, they do not add weights",
                          "乘了头数：多头是把宽度切分，不增加参数"),
                  Mistake(3 * E * E + 3 * E, "forgot the output projection", "漏了输出投影"),
                  Mistake(4 * E * E, "forgot the biases", "漏了偏置")],
        params=dict(E=E, heads=heads))


def gen_receptive_field(rng, oracle, **p):
    layers = p.get("layers") or [{"kernel": rng.choice([2, 3, 3, 5]), "stride": rng.choice([1, 1, 2]),
                                  "dilation": rng.choice([1, 1, 1, 2])} for _ in range(rng.choice([2, 3, 4]))]
    field_ = oracle.ask(op="receptive_field", layers=layers)["field"]
    described = ", ".join(f"{l['kernel']}x{l['kernel']}" + (f" stride {l['stride']}" if l.get("stride", 1) > 1 else "")
                          + (f" dilation {l['dilation']}" if l.get("dilation", 1) > 1 else "") for l in layers)
    described_zh = "、".join(
        f"{l['kernel']}×{l['kernel']}" + ("（" + "，".join(
            ([f"步长 {l['stride']}"] if l.get("stride", 1) > 1 else []) +
            ([f"空洞率 {l['dilation']}"] if l.get("dilation", 1) > 1 else [])) + "）"
            if l.get("stride", 1) > 1 or l.get("dilation", 1) > 1 else "") for l in layers)
    naive = sum(l["kernel"] for l in layers) - len(layers) + 1
    return Question(
        "receptive_field", "04", f"A stack of convolution layers, input first: {described}. How many input pixels wide "
        f"is the receptive field of one output pixel?",
        f"从输入开始依次是这些卷积层：{described_zh}。一个输出像素的感受野宽多少个输入像素？",
        field_, "r = 1 + sum over layers of (d(k-1)) x (product of the strides of the layers before it)",
        "r = 1 + Σ 每层的 d(k−1) × 它之前各层步长的乘积",
        mistakes=[Mistake(naive, "ignored the strides and dilations: a stride multiplies what every later layer sees",
                          "忽略了步长和空洞率：步长会放大后面每一层看到的范围"),
                  Mistake(layers[-1]["kernel"], "the last kernel's footprint alone is not the receptive field",
                          "只算了最后一层卷积核的大小，那不是感受野")],
        params=dict(layers=layers))


def gen_kv_cache(rng, oracle, **p):
    L, heads, dh = pick(rng, p, "L", [12, 24, 32]), pick(rng, p, "heads", [8, 16, 32]), pick(rng, p, "dh", [64, 128])
    n, batch = pick(rng, p, "n", [1024, 2048, 4096, 8192]), pick(rng, p, "batch", [1, 4, 8])
    if min(L, heads, dh, n, batch) < 1:
        raise DrillError("kv_cache: every size must be positive")
    size = 2 * L * batch * n * heads * dh * 2  # K and V, fp16: formula (the framework has no KV cache)
    return Question(
        "kv_cache", "01", f"A decoder with {L} layers, {heads} heads of width {dh} (standard multi-head: every head keeps "
        f"its own K and V, no multi-query or grouped-query sharing), caches keys and values in fp16 for {batch} "
        f"sequence(s) of {n} tokens. How many bytes does the KV cache take?",
        f"一个 {L} 层、{heads} 个头、每头宽 {dh} 的解码器（标准多头：每个头各存自己的 K 和 V，不用 MQA/GQA 共享），"
        f"用 fp16 为 {batch} 条长 {n} 的序列缓存 K 和 V，KV cache 占多少字节？",
        size, f"2 (K and V) x layers x batch x tokens x heads x head width x 2 bytes = {size:,} ({size / 2**30:.2f} GiB)",
        f"2（K 和 V）× 层数 × batch × token 数 × 头数 × 头宽 × 2 字节 = {size:,}（{size / 2**30:.2f} GiB）",
        relative=5e-3, unit="bytes", source="formula (the framework has no KV cache)",
        mistakes=[Mistake(size // 2, "only the keys (or only the values): the cache keeps both", "只算了 K（或 V）：两者都要缓存"),
                  Mistake(size * 2, "4 bytes per number: fp16 takes 2", "按 4 字节算了：fp16 是 2 字节"),
                  Mistake(size // L, "one layer: every layer has its own cache", "只算了一层：每层都有自己的缓存")],
        params=dict(L=L, heads=heads, dh=dh, n=n, batch=batch))


def gen_gqa_cache(rng, oracle, **p):
    L, q_heads, dh = pick(rng, p, "L", [32, 48, 80]), pick(rng, p, "q_heads", [32, 64]), pick(rng, p, "dh", [64, 128])
    kv_heads, n = pick(rng, p, "kv_heads", [1, 4, 8]), pick(rng, p, "n", [2048, 4096, 8192])
    if min(L, q_heads, dh, kv_heads, n) < 1 or q_heads % kv_heads:
        raise DrillError("gqa_cache: sizes must be positive and the kv heads must divide the query heads")
    size = 2 * L * kv_heads * n * dh * 2  # K and V of the kv heads only, fp16 (kv_cache_bytes, chapter 09)
    return Question(
        "gqa_cache", "09", f"A decoder with {L} layers and {q_heads} query heads of width {dh} uses grouped-query attention "
        f"with {kv_heads} key/value heads. How many bytes does its fp16 KV cache take for one sequence of {n} tokens?",
        f"一个 {L} 层的解码器，{q_heads} 个查询头、每头宽 {dh}，用分组查询注意力，键值头 {kv_heads} 个。"
        f"一条 {n} 个词元的序列，fp16 的 KV 缓存占多少字节？",
        size, f"2 (K and V) x layers x kv heads x tokens x head width x 2 bytes = {size:,} ({size / 2**30:.2f} GiB): "
        "only the kv heads are stored", f"2（K 和 V）× 层数 × 键值头数 × 词元数 × 头宽 × 2 字节 = {size:,}"
        f"（{size / 2**30:.2f} GiB）：只存键值头", relative=5e-3, unit="bytes",
        source="formula (kv_cache_bytes, chapter 09)",
        mistakes=[Mistake(size * q_heads // kv_heads, "counted every query head: the cache stores the kv heads only",
                          "按查询头数算了：缓存只存键值头"),
                  Mistake(size // 2, "only the keys: the cache keeps keys and values", "只算了 K：K 和 V 都要缓存")],
        params=dict(L=L, q_heads=q_heads, dh=dh, kv_heads=kv_heads, n=n))


def gen_nucleus(rng, oracle, **p):
    probs = p.get("probs")
    if not probs:
        raw = [rng.randint(1, 40) for _ in range(6)]
        probs = sorted((round(v / sum(raw), 2) for v in raw), reverse=True)
        probs[-1] = round(1 - sum(probs[:-1]), 2)
    top_p = p.get("top_p") or rng.choice([0.5, 0.7, 0.8, 0.9])
    if min(probs) <= 0 or len(set(probs)) != len(probs):
        raise DrillError("nucleus: probabilities must be positive and distinct")
    mass, size = 0.0, 0
    for v in probs:
        if mass >= top_p - 1e-9:
            break
        mass += v
        size += 1
    if abs(sum(probs[:size - 1]) - top_p) < 0.015 or abs(mass - top_p) < 0.015:
        raise DrillError("nucleus: a cumulative sum too close to p: draw again")
    before = sum(1 for k in range(len(probs)) if sum(probs[:k + 1]) < top_p - 1e-9)
    return Question(
        "nucleus", "09", f"Next-token probabilities, sorted: {probs}. With top-p = {top_p}, how many tokens can be sampled?",
        f"按大小排好的下一个词元概率：{probs}。top-p = {top_p} 时，有几个词元可能被采到？",
        size, f"take tokens in decreasing probability until their sum reaches {top_p}: the sums run "
        f"{[round(sum(probs[:k + 1]), 2) for k in range(len(probs))]}, so the first {size} (the one that crosses is kept)",
        f"按概率从大到小取，直到累计和达到 {top_p}：累计和依次为 {[round(sum(probs[:k + 1]), 2) for k in range(len(probs))]}，"
        f"所以是前 {size} 个（越过 p 的那个也保留）", source="computed here (a running sum)",
        mistakes=[Mistake(before, "stopped before the token that crosses p: the nucleus's mass must reach p",
                          "在越过 p 的词元之前停了：核的总概率必须达到 p"),
                  *[Mistake(k, "kept the tokens whose own probability is at least p: top-p is about the running sum",
                            "只保留了自身概率不小于 p 的词元：top-p 看的是累计和")
                    for k in [sum(1 for v in probs if v >= top_p)] if k > 0]],
        params=dict(probs=probs, top_p=top_p))


def gen_gpt_block_params(rng, oracle, **p):
    d, heads, kv_heads = pick(rng, p, "d", [512, 768, 1024]), pick(rng, p, "heads", [8, 16]), pick(rng, p, "kv_heads", [2, 4])
    f = pick(rng, p, "f", [1408, 2048, 2816])
    if d % heads or heads % kv_heads or min(d, heads, kv_heads, f) < 1:
        raise DrillError("gpt_block_params: the heads must divide d and the kv heads the heads")
    dh = d // heads
    attention = d * heads * dh + 2 * d * kv_heads * dh + heads * dh * d
    ffn, norms = 3 * d * f, 2 * d
    total = oracle.ask(op="decoder_block", width=d, heads=heads, kv_heads=kv_heads, hidden=f)["params"]
    return Question(
        "gpt_block_params", "09", f"One Llama-style block (no biases): width {d}, {heads} query heads, {kv_heads} key/value "
        f"heads, SwiGLU hidden width {f}, two RMSNorm gains. How many parameters?",
        f"一个 Llama 式的模块（无偏置）：宽 {d}，{heads} 个查询头，{kv_heads} 个键值头，SwiGLU 隐藏宽 {f}，两个 RMSNorm 增益。"
        "共多少参数？",
        total, f"W_q {d}x{heads * dh} + W_k, W_v {d}x{kv_heads * dh} each + W_o {heads * dh}x{d} = {attention:,}; "
        f"SwiGLU 3 x {d} x {f} = {ffn:,}; norms 2 x {d}: total {total:,}",
        f"W_q {d}×{heads * dh}，W_k、W_v 各 {d}×{kv_heads * dh}，W_o {heads * dh}×{d}，共 {attention:,}；"
        f"SwiGLU 3 × {d} × {f} = {ffn:,}；两个归一化 2 × {d}：合计 {total:,}", relative=1e-9,
        source="the parameters of layers/transformer_layers' DecoderBlock",
        mistakes=[Mistake(4 * d * d + ffn + norms, "gave K and V as many heads as Q: with GQA they have kv_heads",
                          "让 K、V 的头数和 Q 一样：GQA 下它们只有 kv_heads 个"),
                  Mistake(attention + 2 * d * f + norms, "two feed-forward matrices: SwiGLU has three (gate, up, down)",
                          "只算了两个前馈矩阵：SwiGLU 有三个（gate、up、down）")],
        params=dict(d=d, heads=heads, kv_heads=kv_heads, f=f))


def gen_gpt_params(rng, oracle, **p):
    vocab, d = pick(rng, p, "vocab", [256, 1000, 4096]), pick(rng, p, "d", [128, 256, 384])
    layers, heads = pick(rng, p, "layers", [2, 4, 6]), pick(rng, p, "heads", [4, 8])
    kv_heads, f = pick(rng, p, "kv_heads", [1, 2, 4]), pick(rng, p, "f", [352, 704, 1024])
    if d % heads or heads % kv_heads or (d // heads) % 2 or min(vocab, d, layers, heads, kv_heads, f) < 1:
        raise DrillError("gpt_params: the heads must divide d into even widths, and the kv heads the heads")
    dh = d // heads
    block = d * heads * dh + 2 * d * kv_heads * dh + heads * dh * d + 3 * d * f + 2 * d
    total = oracle.ask(op="gpt", vocab=vocab, width=d, layers=layers, heads=heads, kv_heads=kv_heads, hidden=f)["params"]
    return Question(
        "gpt_params", "09", f"A Llama-style GPT (no biases): vocabulary {vocab}, width {d}, {layers} blocks of {heads} query "
        f"and {kv_heads} key/value heads, SwiGLU hidden width {f}, a final RMSNorm and an output head not tied to the "
        f"embedding. How many parameters?",
        f"一个 Llama 式 GPT（无偏置）：词表 {vocab}，宽 {d}，{layers} 个模块，每个 {heads} 个查询头、{kv_heads} 个键值头，"
        f"SwiGLU 隐藏宽 {f}，最后一个 RMSNorm，输出头不与嵌入共享。共多少参数？",
        total, f"embedding {vocab}x{d} = {vocab * d:,}; each block {block:,} (attention, SwiGLU 3 x {d} x {f}, two "
        f"norms), x {layers}; final norm {d}; head {vocab}x{d}: total {total:,}",
        f"嵌入 {vocab}×{d} = {vocab * d:,}；每个模块 {block:,}（注意力、SwiGLU 3 × {d} × {f}、两个归一化），乘 {layers}；"
        f"最后的归一化 {d}；输出头 {vocab}×{d}：合计 {total:,}", relative=1e-9,
        source="the parameters of layers/transformer_layers' Gpt",
        mistakes=[Mistake(total - vocab * d, "counted the head as tied to the embedding: here it has its own matrix",
                          "把输出头当成与嵌入共享：这里它有自己的矩阵"),
                  Mistake(total - 2 * d * kv_heads * dh * layers + 2 * d * d * layers,
                          "gave K and V as many heads as Q: with GQA they have kv_heads",
                          "让 K、V 的头数和 Q 一样：GQA 下它们只有 kv_heads 个"),
                  Mistake(total - d * f * layers, "two feed-forward matrices: SwiGLU has three (gate, up, down)",
                          "只算了两个前馈矩阵：SwiGLU 有三个（gate、up、down）")],
        params=dict(vocab=vocab, d=d, layers=layers, heads=heads, kv_heads=kv_heads, f=f))


def gen_training_flops(rng, oracle, **p):
    n = pick(rng, p, "n", [125, 350, 760, 1300, 7000])  # millions of parameters
    tokens = pick(rng, p, "tokens", [10, 20, 100, 300])  # billions of tokens
    flops = 6 * n * 1e6 * tokens * 1e9
    return Question(
        "training_flops", "09", f"Roughly how many FLOPs does it take to train a {n} M-parameter language model on "
        f"{tokens} B tokens (the usual rule, attention's own FLOPs ignored)?",
        f"用通常的经验公式（忽略注意力本身的运算），在 {tokens} B 个词元上训练一个 {n} M 参数的语言模型大约要多少 FLOPs？",
        flops, f"6 N D: the forward pass costs 2 FLOPs per parameter per token (a multiply and an add), the backward "
        f"twice that (gradients for the activations and for the weights): 6 x {n}e6 x {tokens}e9 = {flops:.3g}",
        f"6 N D：前向每个参数每个词元 2 次浮点运算（一次乘一次加），反向是它的两倍（对激活和对权重各求一次梯度）："
        f"6 × {n}e6 × {tokens}e9 = {flops:.3g}", relative=0.01,
        source="Kaplan et al., 2020, Scaling Laws for Neural Language Models: C = 6 N per training token",
        mistakes=[Mistake(2 * n * 1e6 * tokens * 1e9, "counted the forward pass only: the backward costs twice the forward",
                          "只算了前向：反向是前向的两倍"),
                  Mistake(3 * n * 1e6 * tokens * 1e9, "counted a multiply-add as one operation: that is MACs, half the FLOPs",
                          "把一次乘加算成一次运算：那是 MACs，只有 FLOPs 的一半"),
                  Mistake(4 * n * 1e6 * tokens * 1e9, "backward as costly as the forward: it costs twice (activations and weights)",
                          "以为反向和前向一样贵：它是两倍（激活和权重各一次）")],
        params=dict(n=n, tokens=tokens))


def gen_noisy_pixel(rng, oracle, **p):
    a_sq = pick(rng, p, "abar", [0.36, 0.64, 0.81, 0.25, 0.49])  # alpha_bar with rational square roots
    x0, eps = pick(rng, p, "x0", [1.0, -1.0, 0.5, 2.0]), pick(rng, p, "eps", [1.0, -1.0, 0.5, -2.0])
    if not 0 < a_sq < 1:
        raise DrillError("noisy_pixel: alpha_bar must be in (0, 1)")
    a, sigma = math.sqrt(a_sq), math.sqrt(1 - a_sq)
    xt = a * x0 + sigma * eps
    return Question(
        "noisy_pixel", "10", f"A diffusion model's forward process at a step where alpha_bar = {a_sq}: a clean pixel "
        f"x0 = {x0} with noise epsilon = {eps}. What is x_t?",
        f"扩散模型的前向过程，在 alpha_bar = {a_sq} 的那一步：干净像素 x0 = {x0}，噪声 epsilon = {eps}。x_t 是多少？",
        round(xt, 6), f"x_t = sqrt(alpha_bar) x0 + sqrt(1 - alpha_bar) eps = {a:g} x {x0} + {sigma:g} x {eps} = {xt:g}",
        f"x_t = sqrt(alpha_bar) x0 + sqrt(1 - alpha_bar) eps = {a:g} × {x0} + {sigma:g} × {eps} = {xt:g}",
        tolerance=1e-6, source="formula (Ho et al., 2020, eq. 4; chapter 10's add_noise)",
        mistakes=[Mistake(round(a_sq * x0 + (1 - a_sq) * eps, 6), "used alpha_bar and 1 - alpha_bar without the square roots",
                          "alpha_bar 和 1 - alpha_bar 忘了开平方"),
                  Mistake(round(sigma * x0 + a * eps, 6), "swapped the roles: the signal's share is sqrt(alpha_bar)",
                          "把两项弄反了：信号的系数是 sqrt(alpha_bar)"),
                  Mistake(round(a * x0 + (1 - a_sq) * eps, 6), "scaled the noise by its variance 1 - alpha_bar, not its "
                          "standard deviation", "噪声乘的是方差 1 - alpha_bar，应该乘标准差")],
        params=dict(abar=a_sq, x0=x0, eps=eps))


def gen_sampler_evaluations(rng, oracle, **p):
    steps = pick(rng, p, "steps", [4, 20, 50, 250, 1000])
    images = pick(rng, p, "images", [1, 16, 64])
    guided = pick(rng, p, "guided", [True, False])
    per_image = steps * (2 if guided else 1)
    total = per_image * images
    mode = "with classifier-free guidance" if guided else "without guidance"
    mode_zh = "用无分类器引导" if guided else "不用引导"
    return Question(
        "sampler_evaluations", "10", f"How many evaluations of the denoising network (one image each) does it take to "
        f"sample {images} image(s) with a {steps}-step sampler {mode}?",
        f"用 {steps} 步的采样器{mode_zh}生成 {images} 张图，去噪网络一共要跑多少次（每次一张图）？",
        total, f"one evaluation per step per image" + (", twice with guidance (conditional and unconditional)" if guided else "")
        + f": {steps} x {2 if guided else 1} x {images} = {total}",
        f"每张图每步跑一次" + ("，引导要跑两次（有条件和无条件）" if guided else "") + f"：{steps} × {2 if guided else 1} × {images} = {total}",
        source="formula (chapter 10: a sampler step evaluates the network once, guidance twice)",
        mistakes=[Mistake(steps * images, "forgot that guidance runs the network twice per step", "忘了引导每步要跑两次网络")
                  if guided else Mistake(2 * steps * images, "doubled for guidance, which this sampler does not use",
                                         "按引导翻了倍，但这里不用引导"),
                  Mistake(per_image, "counted one image: every image runs its own chain", "只算了一张图：每张图都有自己的链")],
        params=dict(steps=steps, images=images, guided=guided))


def gen_tokens_per_param(rng, oracle, **p):
    n = pick(rng, p, "n", [0.125, 1, 7, 13, 70])  # billions of parameters
    if n <= 0:
        raise DrillError("tokens_per_param: the model needs a positive number of parameters")
    tokens = 20 * n
    return Question(
        "tokens_per_param", "11", f"By the Chinchilla rule of thumb, about how many training tokens (in billions) are "
        f"compute-optimal for a {n:g} B-parameter language model?",
        f"按 Chinchilla 的经验法则，一个 {n:g} B 参数的语言模型，计算最优的训练词元数大约是多少（以十亿计）？",
        tokens, f"about 20 tokens per parameter (Hoffmann et al., 2022): 20 x {n:g} B = {tokens:g} B tokens. A model "
        f"that will serve many users is often trained far longer (Llama 3's 8 B model saw about 15 T tokens)",
        f"每个参数约 20 个词元（Hoffmann 等，2022）：20 × {n:g} B = {tokens:g} B 个词元。要服务大量用户的模型常常训练得远多于此",
        relative=0.01, unit="B tokens", source="Hoffmann et al., 2022 (Chinchilla): about 20 tokens per parameter",
        mistakes=[Mistake(6 * n, "used 6, the FLOPs per parameter per token of C = 6ND, as tokens per parameter",
                          "把 C = 6ND 里每参数每词元的 6 次运算当成了每参数的词元数"),
                  Mistake(n, "one token per parameter: Chinchilla's point is that models were undertrained at that ratio",
                          "每个参数一个词元：Chinchilla 的结论正是这样的比例训练不足"),
                  Mistake(round(1.7 * n, 6), "GPT-3's ratio (300 B tokens for 175 B parameters, Brown et al., 2020): Chinchilla "
                          "showed such models undertrained", "GPT-3 的比例（175 B 参数、300 B 词元，Brown 等，2020）：Chinchilla 表明这样训练不足")],
        params=dict(n=n))


def gen_training_memory(rng, oracle, **p):
    n = pick(rng, p, "n", [1, 7, 13, 70])  # billions of parameters
    devices = pick(rng, p, "devices", [1, 8, 64])
    if n <= 0 or devices < 1:
        raise DrillError("training_memory: needs a positive number of parameters and at least one device")
    total = 16 * n  # GB: 2 (bf16 weights) + 2 (bf16 gradients) + 4 + 4 + 4 (fp32 master weights, m, v) bytes each
    answer = total / devices
    where = "on one device" if devices == 1 else f"per device, with every one of them sharded over {devices} devices (ZeRO-3 / FSDP)"
    where_zh = "在一张卡上" if devices == 1 else f"每张卡上，全部状态分片到 {devices} 张卡（ZeRO-3 / FSDP）"
    mistakes = [Mistake(4 * n / devices, "counted float32 weights only: training also holds gradients and Adam's two moments",
                        "只算了 float32 权重：训练还要存梯度和 Adam 的两个矩"),
                Mistake(12 * n / devices, "forgot the float32 master weights: bfloat16 alone cannot hold the small updates",
                        "忘了 float32 主权重：只用 bfloat16 存不住很小的更新")]
    if devices > 1:
        mistakes.append(Mistake(4 * n + 12 * n / devices, "sharded only the optimizer states (ZeRO-1): ZeRO-3 shards the "
                                "weights and gradients too", "只分片了优化器状态（ZeRO-1）：ZeRO-3 连权重和梯度也分片"))
        mistakes.append(Mistake(total, "did not divide by the devices: sharding splits every state", "没有除以卡数：分片会切分所有状态"))
    return Question(
        "training_memory", "11", f"Training a {n} B-parameter model with Adam in mixed precision (bfloat16 weights and "
        f"gradients, float32 master weights and moments): how many GB do the weights, gradients and optimizer states take "
        f"{where}, before activations?",
        f"用 Adam 和混合精度（bfloat16 权重和梯度，float32 主权重和两个矩）训练一个 {n} B 参数的模型：{where_zh}，权重、梯度和优化器状态"
        f"（不算激活）占多少 GB？",
        answer, f"16 bytes per parameter: 2 (bf16 weights) + 2 (bf16 gradients) + 4 (fp32 master) + 4 + 4 (m, v) = 16; "
        f"16 x {n} B = {total:g} GB" + (f", / {devices} devices = {answer:g} GB" if devices > 1 else ""),
        f"每个参数 16 字节：2（bf16 权重）+ 2（bf16 梯度）+ 4（fp32 主权重）+ 4 + 4（m、v）= 16；16 × {n} B = {total:g} GB"
        + (f"，除以 {devices} 张卡 = {answer:g} GB" if devices > 1 else ""),
        relative=0.01, unit="GB", source="formula (Rajbhandari et al., 2020, ZeRO: 2 + 2 + 12 bytes per parameter)",
        mistakes=mistakes, params=dict(n=n, devices=devices))


def gen_lr_at_step(rng, oracle, **p):
    peak = pick(rng, p, "peak", [3e-4, 6e-4, 1e-3])
    floor = peak / 10
    warmup = pick(rng, p, "warmup", [100, 200, 500])
    total = warmup + pick(rng, p, "decay", [1200, 2400, 4800])
    phase = pick(rng, p, "phase", ["warmup", "quarter", "three_quarters", "after"])
    if not 0 < warmup < total:
        raise DrillError("lr_at_step: needs 0 < warmup < total steps")
    step = {"warmup": warmup // 2 - 1, "quarter": warmup + (total - warmup) // 4,
            "three_quarters": warmup + 3 * (total - warmup) // 4, "after": total + 100}[phase]
    step = pick(rng, p, "step", [step])

    def rate(s, from_zero=False, to_zero=False, linear=False):
        low = 0.0 if to_zero else floor
        if s < warmup:
            return peak * (s if from_zero else s + 1) / warmup
        if s >= total:
            return low
        progress = s / total if from_zero else (s - warmup) / (total - warmup)
        return low + (peak - low) * ((1 - progress) if linear else 0.5 * (1 + math.cos(math.pi * progress)))

    answer = rate(step)
    if step < warmup:
        mistakes = [Mistake(rate(step, from_zero=True), "ramped as peak s / W: step 0 would get rate 0, a wasted step",
                            "按 peak × s / W 升温：第 0 步学习率为 0，白走一步"),
                    Mistake(peak, "no warmup: the peak from step 0", "没有预热：从第 0 步就用峰值")]
    else:
        mistakes = [Mistake(rate(step, from_zero=True), "measured the cosine's progress from step 0, not from the end of warmup",
                            "余弦进度从第 0 步算起，而不是从预热结束算起"),
                    Mistake(rate(step, to_zero=True), "decayed to 0, not to the floor", "衰减到 0 而不是到下限"),
                    Mistake(rate(step, linear=True), "decayed linearly, not along a half cosine", "按线性衰减，而不是半个余弦")]
    return Question(
        "lr_at_step", "11", f"A schedule warms up linearly over the first {warmup} steps (step s gets peak (s + 1) / W, "
        f"steps counted from 0), then decays along a half cosine from the peak {peak:g} to a floor of {floor:g} at step "
        f"{total}, and stays there. What is the learning rate at step {step}?",
        f"学习率先在前 {warmup} 步线性预热（第 s 步为 peak (s + 1) / W，步数从 0 数起），再沿半个余弦从峰值 {peak:g} 衰减到第 {total} "
        f"步的下限 {floor:g}，之后保持不变。第 {step} 步的学习率是多少？",
        answer, "warmup: peak (s + 1) / W" if step < warmup else
        ("at or after the last step: the floor" if step >= total else
         f"floor + (peak - floor) (1 + cos(pi (s - W) / (S - W))) / 2 = {answer:.4g}"),
        "预热：peak (s + 1) / W" if step < warmup else
        ("到达或超过最后一步：下限" if step >= total else f"floor + (peak − floor)(1 + cos(π (s − W) / (S − W))) / 2 = {answer:.4g}"),
        relative=0.01, source="formula (chapter 11's learning_rate, the same convention)",
        mistakes=[m for m in mistakes if not math.isclose(m.value, answer, rel_tol=0.01)],
        params=dict(peak=peak, warmup=warmup, decay=total - warmup, phase=phase, step=step))


def softmax(xs):
    m = max(xs)
    e = [math.exp(x - m) for x in xs]
    return [v / sum(e) for v in e]


def gen_attention_weight(rng, oracle, **p):
    q = p.get("q") or [rng.randint(-2, 2) for _ in range(4)]
    keys = p.get("keys") or [[rng.randint(-2, 2) for _ in range(4)] for _ in range(3)]
    if not any(q):
        q[0] = 1
    d = len(q)
    scores = [sum(a * b for a, b in zip(q, k)) for k in keys]
    w = softmax([s / math.sqrt(d) for s in scores])
    unscaled = softmax(scores)
    if "q" not in p and (not 0.05 <= w[0] <= 0.95 or round(unscaled[0], 2) == round(w[0], 2)):
        raise DrillError("attention_weight: a near 0 or 1 weight, or scaling changes nothing: draw again")
    mistakes = [Mistake(round(unscaled[0], 2), "forgot to divide by sqrt(d) = 2 before the softmax",
                        "softmax 之前忘了除以 √d = 2")]
    if w[0] != max(w):
        mistakes.append(Mistake(0.0, "took the largest score alone (argmax): softmax gives every key some weight",
                                "只取了最大分数（argmax）：softmax 给每个 key 都分配权重"))
    return Question(
        "attention_weight", "01", f"Scaled dot-product attention, d = 4: q = {q}, keys k1 = {keys[0]}, k2 = {keys[1]}, "
        f"k3 = {keys[2]}. What weight does k1 get (two decimals)?",
        f"缩放点积注意力，d = 4：q = {q}，k1 = {keys[0]}，k2 = {keys[1]}，k3 = {keys[2]}。k1 的权重是多少（保留两位小数）？",
        round(w[0], 2), f"scores q.k = {scores}, divided by sqrt(4) = 2, softmax: {[round(v, 3) for v in w]}",
        f"分数 q·k = {scores}，除以 √4 = 2，再做 softmax：{[round(v, 3) for v in w]}", tolerance=0.011,
        source="computed here (three exponentials)", mistakes=mistakes, params=dict(q=q, keys=keys))


def gen_iou(rng, oracle, **p):
    a = p.get("a") or [rng.randint(0, 4), rng.randint(0, 4)]
    a = a if len(a) == 4 else a + [a[0] + rng.randint(3, 8), a[1] + rng.randint(3, 8)]
    b = p.get("b") or [a[0] + rng.randint(1, 3), a[1] + rng.randint(1, 3)]
    b = b if len(b) == 4 else b + [b[0] + rng.randint(3, 8), b[1] + rng.randint(3, 8)]
    if a[2] <= a[0] or a[3] <= a[1] or b[2] <= b[0] or b[3] <= b[1]:
        raise DrillError(f"iou: a box needs x2 > x1 and y2 > y1 (got {a} and {b})")
    area = lambda r: (r[2] - r[0]) * (r[3] - r[1])
    inter = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
    iou = inter / (area(a) + area(b) - inter)
    return Question(
        "iou", "04", f"Boxes (x1, y1, x2, y2) in continuous coordinates (no +1 pixel convention): A = {tuple(a)}, "
        f"B = {tuple(b)}. Their IoU (two decimals)?",
        f"框 (x1, y1, x2, y2)，连续坐标（不加 1 像素）：A = {tuple(a)}，B = {tuple(b)}。IoU 是多少（保留两位小数）？",
        round(iou, 2),
        f"intersection {inter}, union {area(a)} + {area(b)} - {inter} = {area(a) + area(b) - inter}: {iou:.3f}",
        f"交集 {inter}，并集 {area(a)} + {area(b)} − {inter} = {area(a) + area(b) - inter}：{iou:.3f}", tolerance=0.011,
        source="computed here (chapter 04's box_iou is an exercise)",
        mistakes=[Mistake(round(inter / (area(a) + area(b)), 2), "divided by the sum of the areas: the union subtracts "
                          "the intersection once", "除以了面积之和：并集要减去一次交集"),
                  Mistake(round(inter / min(area(a), area(b)), 2), "divided by the smaller box: that is not the union",
                          "除以了较小框的面积：那不是并集")],
        params=dict(a=a, b=b))


def gen_optimal_d(rng, oracle, **p):
    pd, pg = pick(rng, p, "p_data", [0.1, 0.2, 0.3, 0.5, 0.8, 1.2]), pick(rng, p, "p_g", [0.1, 0.3, 0.4, 0.6, 0.9])
    if pd < 0 or pg < 0 or pd + pg == 0:
        raise DrillError(f"optimal_d: densities must be non-negative and not both zero (got {pd}, {pg})")
    d = pd / (pd + pg)
    return Question(
        "optimal_d", "05", f"At a point x, p_data(x) = {pd} and p_g(x) = {pg}. What does the optimal discriminator "
        f"output there (two decimals)?", f"在某点 x，p_data(x) = {pd}，p_g(x) = {pg}。最优判别器在这里输出多少（保留两位小数）？",
        round(d, 2), f"D*(x) = p_data / (p_data + p_g) = {pd} / {pd + pg:g} = {d:.3f}",
        f"D*(x) = p_data / (p_data + p_g) = {pd} / {pd + pg:g} = {d:.3f}", tolerance=0.011, source="computed here",
        mistakes=[Mistake(round(pg / (pd + pg), 2), "swapped: D is the probability of real, p_data on top",
                          "分子写反了：D 是判为真的概率，分子是 p_data"),
                  Mistake(0.5, "0.5 holds only where p_g = p_data", "0.5 只在 p_g = p_data 时成立")],
        params=dict(p_data=pd, p_g=pg))


def gen_frechet(rng, oracle, **p):
    m1, m2 = pick(rng, p, "m1", [0, 1, 2, -1]), pick(rng, p, "m2", [0, 3, -2, 1])
    s1, s2 = pick(rng, p, "s1", [1, 2, 3]), pick(rng, p, "s2", [1, 2, 4])
    if s1 <= 0 or s2 <= 0:
        raise DrillError(f"frechet: standard deviations must be positive (got {s1}, {s2})")
    d2 = (m1 - m2) ** 2 + s1 ** 2 + s2 ** 2 - 2 * s1 * s2
    return Question(
        "frechet", "08", f"Two 1-D Gaussians: N({m1}, {s1}^2) and N({m2}, {s2}^2). Their squared Frechet distance (the "
        f"quantity FID computes)?", f"两个一维高斯 N({m1}, {s1}²) 与 N({m2}, {s2}²)，Fréchet 距离的平方（FID 算的量）是多少？",
        d2, f"(m1 - m2)^2 + s1^2 + s2^2 - 2 s1 s2 = {(m1 - m2) ** 2} + {(s1 - s2) ** 2} = {d2}",
        f"(m1 − m2)² + s1² + s2² − 2·s1·s2 = {(m1 - m2) ** 2} + {(s1 - s2) ** 2} = {d2}", tolerance=1e-6,
        source="computed here (chapter 08's frechet_distance is an exercise)",
        mistakes=[Mistake((m1 - m2) ** 2 + s1 ** 2 + s2 ** 2, "forgot the cross term -2 tr(sqrt(S1 S2))",
                          "漏了交叉项 −2 tr(√(Σ1Σ2))"),
                  Mistake(abs(m1 - m2) + (s1 - s2) ** 2, "the mean difference is squared", "均值差要平方")],
        params=dict(m1=m1, s1=s1, m2=m2, s2=s2))


def gen_transposed_conv(rng, oracle, **p):
    h, k = pick(rng, p, "h", list(range(2, 33))), pick(rng, p, "k", [2, 3, 4, 5])
    s, pad = pick(rng, p, "s", [1, 2, 2, 3]), pick(rng, p, "p", [0, 0, 1, 2])
    o = pick(rng, p, "o", [0, 0, 1])
    if min(h, k, s) < 1 or pad < 0 or o < 0:
        raise DrillError(f"transposed_conv: sizes, kernel and stride must be positive, padding and output_padding "
                         f">= 0 (got h={h}, k={k}, s={s}, p={pad}, o={o})")
    if o >= s:
        raise DrillError(f"transposed_conv: output_padding {o} must be smaller than the stride {s} (PyTorch's rule)")
    H = oracle.ask(op="transposed_conv", length=h, kernel=k, stride=s, padding=pad, output_padding=o)["length"]
    return Question(
        "transposed_conv", "04",
        f"ConvTranspose2d with a {k}x{k} kernel, stride {s}, padding {pad}, output_padding {o} maps a {h}x{h} input to "
        f"what height?",
        f"转置卷积 ConvTranspose2d，卷积核 {k}×{k}，步长 {s}，填充 {pad}，output_padding {o}，输入 {h}×{h}，输出的高是多少？",
        H, f"the transposed convolution is the adjoint of a convolution: its output is the smallest size whose "
           f"convolution gives {h}, and output_padding picks one of the s - 1 larger ones that also do: "
           f"(h - 1)s - 2p + (k - 1) + o + 1 = ({h} - 1)*{s} - {2 * pad} + {k - 1} + {o} + 1 = {H}",
        f"转置卷积是卷积的伴随：输出是卷积后得到 {h} 的最小输入尺寸，output_padding 在其后 s − 1 个同样满足的尺寸中选择："
        f"(h − 1)s − 2p + (k − 1) + o + 1 = {H}",
        mistakes=[Mistake(h * s, "multiplied by the stride only: the kernel's overhang and the padding change it",
                          "只乘了步长：卷积核的延伸和填充也会改变尺寸"),
                  Mistake((h - 1) * s + 2 * pad + k + o, "added the padding: in a transposed convolution it is removed",
                          "把填充加上了：转置卷积里填充是减掉的"),
                  Mistake((h + 2 * pad - k) // s + 1, "that is the forward convolution's formula", "这是普通卷积的公式")],
        params=dict(h=h, k=k, s=s, p=pad, o=o))


def gen_gru_params(rng, oracle, **p):
    I, H = pick(rng, p, "I", [8, 16, 32, 64, 100, 128]), pick(rng, p, "H", [16, 32, 64, 128, 256])
    style = pick(rng, p, "style", ["PyTorch", "Keras"])
    style_en = style if style == "PyTorch" else "Keras (reset_after=True, its default)"
    style_zh = style if style == "PyTorch" else "Keras（reset_after=True，默认）"
    if min(I, H) < 1:
        raise DrillError(f"gru_params: sizes must be positive (got {I}, {H})")
    n = oracle.ask(op="gru", **{"in": I}, hidden=H)["params"]  # both libraries keep two bias vectors
    return Question(
        "gru_params", "03", f"How many parameters has one GRU layer with input size {I} and hidden size {H}, as {style_en} "
        f"counts them?", f"一层 GRU，输入维度 {I}，隐藏维度 {H}，按 {style_zh} 的实现有多少个参数？", n,
        f"3 blocks (reset and update gates, and the candidate) x (H*I + H*H + two biases of H) = {n}; Keras's "
        f"default reset_after=True also keeps two bias vectors",
        f"3 组（重置门、更新门和候选状态）×（H·I + H·H + 两组 H 维偏置）= {n}；Keras 默认 reset_after=True，也是两组偏置",
        source="framework",
        mistakes=[Mistake(3 * (H * I + H * H + H), "one bias vector: both libraries keep two by default",
                          "只算了一组偏置：两个框架默认都是两组"),
                  Mistake(4 * (H * I + H * H + 2 * H), "four blocks: that is the LSTM; a GRU has three",
                          "算成了四组：那是 LSTM，GRU 只有三组")],
        params=dict(I=I, H=H, style=style))


def gen_attention_cost(rng, oracle, **p):
    n, d = pick(rng, p, "n", [512, 1024, 2048, 4096]), pick(rng, p, "d", [64, 128, 256, 512])
    factor = pick(rng, p, "factor", [2, 4])
    if n < 1 or d < 1:
        raise DrillError("attention_cost: n and d must be positive")
    macs = 2 * n * n * d  # Q K^T, then the weights times V: n*n*d MACs each (formula)
    return Question(
        "attention_cost", "01", f"One head of self-attention over n = {n} tokens of width d = {d}: how many MACs do the "
        f"scores QK^T and the weighted sum with V take together (projections not counted)?",
        f"单头自注意力，n = {n} 个 token、宽 d = {d}：QKᵀ 打分和乘 V 的加权求和一共多少次乘加（不计投影）？",
        macs, f"QK^T is n x n dot products of length d, n^2 d MACs; the weights times V another n^2 d: 2 n^2 d = {macs:,}. "
              f"{factor}x the tokens costs {factor * factor}x: quadratic in n",
        f"QKᵀ 是 n×n 个长度为 d 的点积，n²d 次乘加；权重乘 V 又是 n²d：共 2n²d = {macs:,}。token 数变成 {factor} 倍，代价变成 {factor * factor} 倍",
        relative=5e-3, source="formula (counted from the shapes)",
        mistakes=[Mistake(n * n * d, "only the scores: the weighted sum with V costs as much again", "只算了打分：乘 V 还要同样多"),
                  Mistake(2 * n * d * d, "swapped n and d: n d^2 has the shape of the projections' cost (4nd^2 for Q, K, V "
                          "and the output), not the attention's", "把 n 和 d 弄反了：n·d² 是投影代价的形状（Q、K、V 和输出共 4nd²），不是注意力本身的"),
                  Mistake(4 * n * n * d, "FLOPs, not MACs", "这是 FLOPs，不是 MACs")],
        params=dict(n=n, d=d, factor=factor))


def ngrams(words, n):
    return [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]


def bleu2(candidate, reference):
    """Sentence BLEU with 1- and 2-gram clipped precisions, geometric mean, brevity penalty (no smoothing)."""
    precisions = []
    for n in (1, 2):
        cand, ref = ngrams(candidate, n), ngrams(reference, n)
        clipped = sum(min(cand.count(g), ref.count(g)) for g in set(cand))
        precisions.append(clipped / len(cand) if cand else 0.0)
    if min(precisions) == 0:
        return 0.0, precisions
    bp = 1.0 if len(candidate) > len(reference) else math.exp(1 - len(reference) / len(candidate))
    return bp * math.sqrt(precisions[0] * precisions[1]), precisions


def gen_toy_bleu(rng, oracle, **p):
    words = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "to", "red"]
    reference = p.get("reference") or ["the", "cat", "sat", "on", "the", "mat"]
    candidate = p.get("candidate")
    if candidate is None:  # the reference with one to three edits: a word replaced, dropped or repeated
        candidate = list(reference)
        for _ in range(rng.randint(1, 3)):
            i, edit = rng.randrange(len(candidate)), rng.choice(["replace", "drop", "repeat"])
            if edit == "replace":
                candidate[i] = rng.choice(words)
            elif edit == "drop" and len(candidate) > 3:
                del candidate[i]
            else:
                candidate.insert(i, candidate[i])
    if not reference or not candidate:
        raise DrillError("toy_bleu: the sentences must not be empty")
    score, (p1, p2) = bleu2(candidate, reference)
    if (score == 0.0 or candidate == reference) and "candidate" not in p:
        raise DrillError("toy_bleu: no shared bigram, or the reference itself: draw again")
    unclipped = sum(1 for g in ngrams(candidate, 1) if g in ngrams(reference, 1)) / len(candidate)
    bp = 1.0 if len(candidate) > len(reference) else math.exp(1 - len(reference) / len(candidate))
    no_bp = math.sqrt(p1 * p2)
    return Question(
        "toy_bleu", "02", f"Reference: \"{' '.join(reference)}\". Candidate: \"{' '.join(candidate)}\". BLEU with 1- and "
        f"2-gram precisions (clipped), their geometric mean and the brevity penalty, no smoothing (two decimals)?",
        f"参考译文：「{' '.join(reference)}」，候选：「{' '.join(candidate)}」。只用 1-gram 和 2-gram（截断计数）、几何平均、"
        f"长度惩罚、不平滑，BLEU 是多少（保留两位小数）？", round(score, 2),
        f"clipped precisions p1 = {p1:.3f}, p2 = {p2:.3f}; brevity penalty "
        f"{'1' if len(candidate) > len(reference) else f'exp(1 - {len(reference)}/{len(candidate)})'}; BLEU = {score:.3f}",
        f"截断后的精确率 p1 = {p1:.3f}，p2 = {p2:.3f}；长度惩罚后 BLEU = {score:.3f}", tolerance=0.011,
        source="computed here (toy BLEU)",
        mistakes=([Mistake(round(bp * math.sqrt(unclipped * p2), 2),
                           "unclipped unigram counts: a word counts at most as often as in the reference",
                           "1-gram 没有截断：一个词最多按它在参考里出现的次数计")] if unclipped != p1 else []) +
                 ([Mistake(round(no_bp, 2), "forgot the brevity penalty for a candidate shorter than the reference",
                           "候选比参考短，却没乘长度惩罚")] if bp < 1 else []),
        params=dict(reference=reference, candidate=candidate))


# Multiple choice: (kind, chapter, question en, zh, right answer, reasoning en, zh, [(wrong option, mistake en, zh)])
CHOICES = [
    ("gru_gate", "03", "In PyTorch's GRU, h_t = (1 - z_t) * n_t + z_t * h_{t-1}. What does an update gate z_t near 1 do?",
     "PyTorch 的 GRU 中 h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}。更新门 z_t 接近 1 时会怎样？",
     "keeps the previous state（保留上一时刻的状态）", "z multiplies h_{t-1}: near 1 the old state passes through "
     "(papers differ: some write z for the new part; read the formula, not the letter)",
     "z 乘的是 h_{t−1}：接近 1 时旧状态直接保留（论文写法不一，有的把 z 放在新候选上：看公式，不看字母）",
     [("replaces the state with the candidate n_t（换成候选状态 n_t）", "that is the other convention (z on the candidate)",
       "这是另一种写法（z 乘候选状态）"),
      ("resets the state to zero（把状态清零）", "that is the reset gate's job, and it only acts inside n_t",
       "那是重置门的作用，而且只作用在 n_t 内部")]),
    ("equivariance", "04", "Shift an image 2 pixels right (far from the borders). A stride-1 convolution's output ...",
     "把图像右移 2 个像素（远离边界）。步长为 1 的卷积，输出会……", "shifts 2 pixels right too（也右移 2 个像素）",
     "convolution commutes with shifts at stride 1, away from borders: equivariance; invariance comes from pooling or a global head",
     "步长为 1、远离边界时卷积与平移可交换：这是等变；不变性来自池化或全局汇聚",
     [("stays the same（保持不变）", "that is invariance, the global pooling's property, not the convolution's",
       "那是不变性，是全局池化的性质，不是卷积的"),
      ("changes unpredictably（无规律地变化）", "the same weights slide everywhere: the response moves with the input",
       "同一组权重在各处滑动：响应随输入一起移动")]),
    ("flops_macs", "04", "A layer costs 1.2 G multiply-accumulates. Counting a multiply and an add as two floating-point "
     "operations, how many FLOPs is that?", "某层需要 1.2 G 次乘加。把一次乘法和一次加法算作两次浮点运算，这是多少 FLOPs？",
     "2.4 G", "a MAC is one multiply and one add: FLOPs = 2 x MACs. Many papers call MACs FLOPs: always say which "
     "you count", "一次乘加是一次乘法加一次加法：FLOPs = 2 × MACs。很多论文把 MACs 叫作 FLOPs：报数时要说清楚数的是哪个",
     [("1.2 G", "that is the MAC count, called FLOPs in many papers: under this question's counting it is half",
       "这是乘加次数，很多论文也管它叫 FLOPs；按本题的算法要乘 2"),
      ("0.6 G", "halved instead of doubled", "应该乘 2，却除了 2")]),
    ("bahdanau_query", "02", "In Bahdanau (additive) attention, which decoder state is the query when computing step i's context?",
     "Bahdanau（加性）注意力计算第 i 步的上下文时，用哪个解码器状态做 query？", "the previous state s_{i-1}（上一步的状态）",
     "Bahdanau scores with s_{i-1} and feeds the context into the cell; Luong runs the cell first and scores with s_i",
     "Bahdanau 用 s_{i−1} 打分，再把上下文送进循环单元；Luong 先跑循环单元，用 s_i 打分",
     [("the current state s_i（当前步的状态）", "that is Luong's order", "那是 Luong 的顺序"),
      ("the last encoder state（编码器的最后状态）", "that is the fixed context attention removes",
       "那是注意力要去掉的固定长度上下文")]),
    ("gan_value", "05", "With the optimal discriminator and p_g = p_data, the GAN value V(D*, G) equals ...",
     "在最优判别器下且 p_g = p_data 时，GAN 的价值函数 V(D*, G) 等于……", "-log 4",
     "D* = 1/2 everywhere: log(1/2) + log(1/2) = -log 4 (and V = -log 4 + 2 JS(p_data || p_g) in general)",
     "D* 处处为 1/2：log(1/2) + log(1/2) = −log 4（一般地 V = −log 4 + 2·JS(p_data ‖ p_g)）",
     [("0", "the Jensen-Shannon divergence is 0 there; V is shifted by -log 4", "那里 JS 散度为 0；V 还要平移 −log 4"),
      ("log 4", "sign error: log of a probability is negative", "符号错了：概率的对数是负的"),
      ("1/2", "that is D*'s value, not V", "那是 D* 的值，不是 V")]),
    ("saturating_loss", "05", "Early in training D(G(z)) is near 0. Which generator loss still gives a large gradient?",
     "训练初期 D(G(z)) 接近 0。哪种生成器损失仍然有大的梯度？", "minimise -log D(G(z))（最小化 −log D(G(z))）",
     "the non-saturating loss: d/dx -log sigmoid(x) = sigmoid(x) - 1, near -1 when D rejects; the minimax form's "
     "d/dx log(1 - sigmoid(x)) = -sigmoid(x) is near 0 there",
     "非饱和损失：−log σ(x) 的导数是 σ(x) − 1，判别器拒绝时接近 −1；极小极大形式 log(1 − σ(x)) 的导数 −σ(x) 这时接近 0",
     [("minimise log(1 - D(G(z)))（最小化 log(1 − D(G(z)))）", "that is the saturating minimax form: its gradient "
       "vanishes exactly when D wins", "这是会饱和的极小极大形式：判别器占优时梯度恰好消失"),
      ("both the same（两者一样）", "they share fixed points, not gradients", "它们的不动点相同，梯度不同")]),
]


def make_choice(spec):
    def gen(rng, oracle, **p):
        kind, chapter, en, zh, right, why_en, why_zh, wrong = spec
        options = [right] + [w[0] for w in wrong]
        rng.shuffle(options)
        return Question(kind, chapter, en, zh, right, why_en, why_zh, options=options, source="written (a concept)",
                        mistakes=[Mistake(w[0], w[1], w[2]) for w in wrong])
    return gen


GENERATORS = {
    "conv_output": gen_conv_output, "conv_params": gen_conv_params, "conv_macs": gen_conv_macs,
    "dense_params": gen_dense_params, "lstm_params": gen_lstm_params, "mha_params": gen_mha_params,
    "receptive_field": gen_receptive_field, "kv_cache": gen_kv_cache, "attention_weight": gen_attention_weight,
    "iou": gen_iou, "optimal_d": gen_optimal_d, "frechet": gen_frechet, "transposed_conv": gen_transposed_conv,
    "gru_params": gen_gru_params, "attention_cost": gen_attention_cost, "toy_bleu": gen_toy_bleu,
    "gqa_cache": gen_gqa_cache, "nucleus": gen_nucleus, "gpt_block_params": gen_gpt_block_params,
    "gpt_params": gen_gpt_params, "training_flops": gen_training_flops,
    "noisy_pixel": gen_noisy_pixel, "sampler_evaluations": gen_sampler_evaluations,
    "tokens_per_param": gen_tokens_per_param, "training_memory": gen_training_memory, "lr_at_step": gen_lr_at_step,
    **{spec[0]: make_choice(spec) for spec in CHOICES},
}
CHAPTER_OF = {"conv_output": "04", "conv_params": "04", "conv_macs": "04", "dense_params": "04", "lstm_params": "03",
              "mha_params": "01", "receptive_field": "04", "kv_cache": "01", "attention_weight": "01", "iou": "04",
              "optimal_d": "05", "frechet": "08", "transposed_conv": "04", "gru_params": "03", "attention_cost": "01",
              "toy_bleu": "02", "gqa_cache": "09", "nucleus": "09", "gpt_block_params": "09",
              "gpt_params": "09", "training_flops": "09", "noisy_pixel": "10", "sampler_evaluations": "10",
              "tokens_per_param": "11", "training_memory": "11", "lr_at_step": "11",
              **{spec[0]: spec[1] for spec in CHOICES}}


SIZE_KINDS = {"conv_output", "transposed_conv", "receptive_field"}


def generate(kind, rng, oracle, tries=50, choices=False, **params):
    """A question of this kind; random parameters that make none are drawn again, given ones are an error.
    A mistake that happens to give the right number for these parameters is dropped, and so is a repeat.
    choices: a numeric question becomes multiple choice, its mistakes the wrong options."""
    for _ in range(tries if not params else 1):
        try:
            q = GENERATORS[kind](rng, oracle, **params)
            break
        except DrillError:
            if params:
                raise
    else:
        raise DrillError(f"{kind}: no valid parameters in {tries} draws")
    kept = []
    for m in q.mistakes:
        if kind in SIZE_KINDS and not isinstance(m.value, str) and m.value < 1:
            continue  # a size of 0 or less is no answer anyone would give
        if not matches(q, m.value, q.answer) and not any(matches(q, m.value, k.value) for k in kept):
            kept.append(m)
    q.mistakes = kept
    if choices and not q.options and len(kept) >= 2:
        q.options = [q.answer] + [m.value for m in kept[:3]]
        rng.shuffle(q.options)
    return q


# ---------------------------------------------------------------------------------------------------------
# Answers: numbers in common forms, tolerance, the documented mistakes.

SUFFIXES = {"k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "ki": 2**10, "mi": 2**20, "gi": 2**30, "ti": 2**40}


def parse_number(text):
    """'6.5e6', '6,500,000', '6 500 000', '6.5M', '4 GiB', '1/4', '-log 4' is not a number: None."""
    t = text.strip().lower().replace(",", "").replace("_", "").replace(" ", "")
    t = re.sub(r"(bytes?|b)$", "", t) if re.search(r"\d(k|m|g|t)?i?b(ytes?)?$|\dbytes?$", t) else t
    m = re.fullmatch(r"([-+]?\d+)/(\d+)", t)
    if m:
        return int(m.group(1)) / int(m.group(2)) if int(m.group(2)) else None
    m = re.fullmatch(r"([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)(ki|mi|gi|ti|k|m|g|t)?", t)
    if not m:
        return None
    return float(m.group(1)) * SUFFIXES.get(m.group(2) or "", 1)


def matches(q, value, target):
    if isinstance(target, str) or isinstance(value, str):
        return value == target
    if value is None:
        return False
    tol = max(q.tolerance, q.relative * abs(target), 1e-9)
    return abs(value - target) <= tol


def check(q, reply):
    """(right, the mistake it matches or None)."""
    if q.options:
        reply = reply.strip()
        value = q.options[ord(reply.lower()) - ord("a")] if len(reply) == 1 and "a" <= reply.lower() < chr(97 + len(q.options)) \
            else reply
    else:
        value = parse_number(reply)
    if matches(q, value, q.answer):
        return True, None
    return False, next((m for m in q.mistakes if matches(q, value, m.value)), None)


# ---------------------------------------------------------------------------------------------------------
# Spaced repetition and the command.

def due_kinds(state, kinds, rng, count):
    """Missed kinds first (box 1), then those whose wait is over, then the rest; random within a box."""
    drill = state["drill"]  # progress.load() gives every state a drill part
    session = drill["session"]
    def order(kind):
        k = drill["kinds"].get(kind, {"box": 0, "next": 0})
        return (k["next"] > session, k["box"], rng.random())
    ranked = sorted(kinds, key=order)
    return [ranked[i % len(ranked)] for i in range(count)]


def record(state, kind, right):
    drill = state["drill"]
    k = drill["kinds"].setdefault(kind, {"box": 0, "next": 0, "right": 0, "wrong": 0})
    k["box"] = min(k["box"] + 1, 5) if right else 1
    k["next"] = drill["session"] + (2 ** (k["box"] - 1) if right else 1)
    k["right" if right else "wrong"] += 1


def select_kinds(topic):
    if not topic:
        return list(GENERATORS)
    t = topic.lower().lstrip("0") or "0"
    kinds = [k for k in GENERATORS if CHAPTER_OF[k].lstrip("0") == t or k == topic or topic in k]
    if not kinds:
        chapters = sorted(set(CHAPTER_OF.values()))
        raise SystemExit(f"wb: no drill for {topic!r}; give a chapter ({', '.join(chapters)}) or a kind: "
                         + ", ".join(GENERATORS))
    return kinds


def questions_for(args, oracle, state=None):
    """Which kinds: by the seed alone when one is given (a session, --json and --sheet alike: the same seed gives
    the same questions in every mode), else by the history (missed kinds first). Each question has a generator
    of its own seeded by (seed, position, kind): the same seed and kind give the same question."""
    rng = random.Random(args.seed)
    kinds = select_kinds(args.topic)
    chosen = due_kinds(state, kinds, rng, args.count) if state is not None and not getattr(args, "seeded", False) else \
        [kinds[i % len(kinds)] for i in rng.sample(range(max(args.count, len(kinds))), args.count)]
    return [generate(kind, random.Random(f"{args.seed}:{i}:{kind}"), oracle, choices=args.choices)
            for i, kind in enumerate(chosen)]


def show(q, number, total):
    print(paint(f"\n[{number}/{total}] {q.kind} · chapter {q.chapter}", "1"))
    print("  " + q.en)
    print(paint("  " + q.zh, "2"))
    for i, option in enumerate(q.options):
        print(f"    {chr(97 + i)}) {option}")
    if not q.options and (q.relative or q.tolerance > 1e-6):
        print(paint(f"  (accepted within {q.relative:.1%})" if q.relative else f"  (accepted within ±{q.tolerance:g})", "2"))


def explain(q, right, mistake):
    if right:
        print(paint("  right.", "32") + f" {q.why_en}")
        return
    print(paint(f"  not quite: the answer is {q.answer if isinstance(q.answer, str) else format(q.answer, ',')}", "31")
          + (f" {q.unit}" if q.unit else ""))
    if mistake:
        print(paint(f"  your answer is a known mistake: {mistake.en}", "33"))
        print(paint(f"  常见错误：{mistake.zh}", "33"))
    print(f"  {q.why_en}")
    print(paint(f"  {q.why_zh}", "2"))
    if q.page:
        print(paint(f"  more: {q.page}", "2"))


def understood(q, reply):
    """Whether a reply can be graded: a letter of one of the options, or a number (blank is handled apart)."""
    if q.options:
        r = reply.strip().lower()
        return (len(r) == 1 and "a" <= r < chr(97 + len(q.options))) or reply.strip() in q.options
    return parse_number(reply) is not None


def cmd_drill(args):
    if args.count < 1:
        print(f"wb: --count must be at least 1, not {args.count}", file=sys.stderr)
        raise SystemExit(2)
    args.seeded = args.seed is not None
    if args.seed is None:
        args.seed = int(time.time())
    oracle = Oracle()
    try:
        if args.exam:
            args.count = 10
        if args.json or args.sheet:
            qs = questions_for(args, oracle)
            if args.json:
                print(json.dumps([q.to_json() for q in qs], ensure_ascii=False, indent=1))
            if args.sheet:
                write_sheet(args.sheet, qs, args.seed)
            return 0
        state = progress.load()
        qs = questions_for(args, oracle, state)
    finally:
        oracle.close()
    state["drill"]["session"] += 1
    start, right_count, missed, skipped = time.monotonic(), 0, [], 0
    say(f"{len(qs)} question(s){' (exam: 10, timed)' if args.exam else ''}; numbers as 6.5e6, 6,500,000 or 6.5M; "
        "a letter for a choice; empty to skip")
    for i, q in enumerate(qs, 1):
        show(q, i, len(qs))
        try:
            reply = input("  > ")
            while reply.strip() and not understood(q, reply):
                wanted = f"a letter from a to {chr(96 + len(q.options))}" if q.options else "a number (6.5e6, 6,500,000, 6.5M)"
                reply = input(paint(f"  not understood: answer with {wanted}, or leave it empty to skip", "33") + "\n  > ")
        except EOFError:
            print()
            break
        if not reply.strip():  # skipped: neither right nor wrong, and the kind's schedule stays as it was
            print(paint(f"  skipped. The answer: {q.answer if isinstance(q.answer, str) else format(q.answer, ',')}"
                        + (f" {q.unit}" if q.unit else ""), "2"))
            skipped += 1
            continue
        right, mistake = check(q, reply)
        if not args.exam:
            explain(q, right, mistake)
        right_count += right
        if not right:
            missed.append((q, mistake))
        record(state, q.kind, right)
    seconds = time.monotonic() - start
    if args.exam:
        print(paint(f"\nexam: {right_count}/{len(qs)} right in {seconds / 60:.1f} minutes"
                    + (f" ({skipped} skipped)" if skipped else ""), "1"))
        for q, mistake in missed:
            print(f"  {q.kind}: the answer is {q.answer}" + (f"; you made a known mistake: {mistake.en}" if mistake else ""))
        state["drill"]["exams"].append({"at": time.time(), "seed": args.seed, "right": right_count, "of": len(qs),
                                        "seconds": round(seconds)})
    else:
        print(paint(f"\n{right_count}/{len(qs)} right" + (f", {skipped} skipped" if skipped else "")
                    + "; missed kinds come back in your next session", "1"))
    progress.save(state)
    return 0


def write_sheet(path, qs, seed):
    base, ext = os.path.splitext(path)
    key_path = f"{base}-answers{ext or '.md'}"
    with open(path, "w") as f:
        f.write(f"# Interview drill (seed {seed})\n\n")
        for i, q in enumerate(qs, 1):
            f.write(f"**{i}.** {q.en}  \n{q.zh}\n")
            for j, option in enumerate(q.options):
                f.write(f"\n    {chr(97 + j)}) {option}")
            f.write("\n\nAnswer: ____________\n\n")
    with open(key_path, "w") as f:
        f.write(f"# Answer key (seed {seed})\n\n")
        for i, q in enumerate(qs, 1):
            f.write(f"**{i}.** {q.answer}{' ' + q.unit if q.unit else ''}: {q.why_en}  \n{q.why_zh}")
            if q.mistakes:
                f.write("\n\n   Common wrong answers: " + "; ".join(f"{m.value}: {m.en}" for m in q.mistakes))
            f.write("\n\n")
    say(f"wrote {path} and {key_path} ({len(qs)} questions, seed {seed})")


def self_check(seeds=200):
    """For ./wb test: per kind, over many seeds: the answer is what the framework says (asked again, apart from
    the generator), no mistake equals the answer, the same seed gives the same question; and bad parameters
    are refused with a message. Returns a list of problems."""
    problems = []
    oracle = Oracle()
    try:
        for kind in GENERATORS:
            for seed in range(seeds):
                q1 = generate(kind, random.Random(seed), oracle)
                q2 = generate(kind, random.Random(seed), oracle)
                if q1.to_json() != q2.to_json():
                    problems.append(f"{kind} seed {seed}: the same seed gave another question")
                for m in q1.mistakes:
                    if matches(q1, m.value, q1.answer):
                        problems.append(f"{kind} seed {seed}: the mistake {m.value!r} equals the answer")
                if q1.options and (q1.answer not in q1.options or len(set(q1.options)) != len(q1.options)):
                    problems.append(f"{kind} seed {seed}: options {q1.options} lack the answer or repeat")
                expected = independent_answer(q1, oracle)
                if expected is not None and not matches(q1, q1.answer, expected):
                    problems.append(f"{kind} seed {seed}: answer {q1.answer}, the framework says {expected}")
        for kind, bad in BAD_PARAMETERS:
            try:
                generate(kind, random.Random(0), oracle, **bad)
                problems.append(f"{kind} {bad}: impossible parameters made a question")
            except DrillError as e:
                if not str(e):
                    problems.append(f"{kind} {bad}: refused without a message")
    finally:
        oracle.close()
    return problems


# Impossible parameters each generator must refuse with a message.
BAD_PARAMETERS = [
    ("conv_output", dict(C=1, H=5, k=7, s=1, p=0, d=1)),   # kernel larger than the padded input
    ("conv_output", dict(C=1, H=9, k=3, s=1, p=0, d=5)),   # dilated kernel spans 11 > 9
    ("conv_output", dict(C=1, H=-3, k=3, s=1, p=0, d=1)),  # a negative size
    ("conv_output", dict(C=1, H=9, k=3, s=0, p=0, d=1)),   # stride 0
    ("conv_params", dict(C=0, F=8, k=3)),
    ("dense_params", dict(I=-1, O=3)),
    ("lstm_params", dict(I=4, H=0, style="PyTorch")),
    ("mha_params", dict(E=100, heads=8)),                  # 100 does not split into 8 heads
    ("receptive_field", dict(layers=[{"kernel": 0}])),
    ("kv_cache", dict(L=0, heads=8, dh=64, n=10, batch=1)),
    ("iou", dict(a=[4, 4, 2, 8], b=[0, 0, 3, 3])),         # x2 < x1
    ("optimal_d", dict(p_data=0.0, p_g=0.0)),
    ("frechet", dict(m1=0, m2=1, s1=-1, s2=1)),
    ("transposed_conv", dict(h=4, k=3, s=2, p=0, o=2)),     # output_padding not below the stride
    ("transposed_conv", dict(h=1, k=1, s=3, p=1, o=0)),     # padding larger than the kernel covers
    ("gru_params", dict(I=0, H=8, style="PyTorch")),
    ("attention_cost", dict(n=0, d=64, factor=2)),
    ("toy_bleu", dict(reference=["a", "b"], candidate=[])),
    ("tokens_per_param", dict(n=0)),
    ("training_memory", dict(n=7, devices=0)),
    ("lr_at_step", dict(warmup=500, decay=-500)),
]


def independent_answer(q, oracle):
    """The framework's answer for the question's parameters, asked apart from the generator (None: no layer)."""
    p = q.params
    if q.kind == "conv_output":
        return oracle.ask(op="conv", **{"in": [p["C"], p["H"], p["H"]]}, out_channels=1, kernel=p["k"], stride=p["s"],
                          padding=p["p"], dilation=p["d"])["shape"][1]
    if q.kind == "conv_params":
        return oracle.ask(op="conv", **{"in": [p["C"], 64, 64]}, out_channels=p["F"], kernel=p["k"])["params"]
    if q.kind == "conv_macs":
        return oracle.ask(op="conv", **{"in": [p["C"], p["H"], p["H"]]}, out_channels=p["F"], kernel=p["k"],
                          stride=p["s"], padding=p["p"])["macs"]
    if q.kind == "dense_params":
        return oracle.ask(op="dense", **{"in": p["I"]}, out=p["O"])["params"]
    if q.kind == "mha_params":
        return oracle.ask(op="mha", embed=p["E"], heads=1)["params"]  # the same whatever the heads
    if q.kind == "transposed_conv":
        return oracle.ask(op="transposed_conv", length=p["h"], kernel=p["k"], stride=p["s"], padding=p["p"],
                          output_padding=p["o"])["length"]
    if q.kind == "receptive_field":
        return oracle.ask(op="receptive_field", layers=p["layers"])["field"]
    if q.kind == "gru_params":  # the generator asks the GRU layer; this closed form checks it
        return 3 * (p["H"] * p["I"] + p["H"] * p["H"] + 2 * p["H"])
    if q.kind in ("gpt_block_params", "gpt_params"):  # the generators ask the layers; the closed form checks them
        dh = p["d"] // p["heads"]
        block = 2 * p["d"] * p["heads"] * dh + 2 * p["d"] * p["kv_heads"] * dh + 3 * p["d"] * p["f"] + 2 * p["d"]
        if q.kind == "gpt_block_params":
            return block
        return 2 * p["vocab"] * p["d"] + p["layers"] * block + p["d"]
    return None

