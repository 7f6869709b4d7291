"""./wb bench cnn | lstm | attention | gan | transformer | diffusion: our kernels against PyTorch and libtorch,
interleaved over rounds; one JSON line per case (bench/README.md has the method). cnn: the chapter 07 kernels and one
training epoch; lstm: chapter 03's LSTM forward + backward; attention: chapter 01's multi-head self-attention forward
+ backward; gan: one step of chapter 08's GAN and one epoch; transformer: chapter 09's GPT, a training step and KV-cache
decoding; diffusion: one training step of chapter 10's U-Net."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
import build  # noqa: E402
from project import BUILD, JOBS, ROOT, say  # noqa: E402


# glibc's default hands big blocks to mmap and returns them on free, so a training loop page-faults its
# activations in again every step. Our programs turn that off with mallopt (framework/heap.hpp);
# PyTorch gets the same settings through the environment, so both run on the same allocator.
HEAP_ENV = {"MALLOC_MMAP_THRESHOLD_": str(256 << 20), "MALLOC_TRIM_THRESHOLD_": str(1 << 30)}

CNN_KERNELS = ["conv_forward", "conv_backward", "maxpool_forward", "maxpool_backward"]


def run_google_benchmark(binary, filter_regex, repetitions, runs=None):
    """{case: median real time in ms} of a Google Benchmark binary; with a dict `runs`, also fills
    {run name: (median ms, its counter "flops" or None)}, which tells apart the arguments of one case."""
    out = subprocess.run([binary, f"--benchmark_filter={filter_regex}", "--benchmark_format=json",
                          f"--benchmark_repetitions={repetitions}", "--benchmark_report_aggregates_only=true"],
                         capture_output=True, text=True, env=dict(os.environ, **HEAP_ENV), check=True)
    medians = {}
    for b in json.loads(out.stdout)["benchmarks"]:
        # one repetition reports the run itself; several report aggregates, of which we keep the median
        if b.get("aggregate_name", "median") != "median":
            continue
        scale = {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}[b["time_unit"]]
        name = b["run_name"].split("/")
        case = name[0] + ("_unfused" if len(name) > 1 and name[1] == "0" else "")
        medians[case] = b["real_time"] * scale
        if runs is not None:
            runs[b["run_name"]] = (b["real_time"] * scale, b.get("flops"))
    return medians


def torch_available():
    return subprocess.run(["/usr/bin/python3", "-c", "import torch"], capture_output=True).returncode == 0


def run_torch(case, threads, mkldnn, repeats=None):
    cmd = ["/usr/bin/python3", os.path.join(ROOT, "bench", "cnn_torch.py"), case, str(threads), "1" if mkldnn else "0"]
    if repeats:
        cmd.append(str(repeats))
    out = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, **HEAP_ENV), check=True)
    return json.loads(out.stdout)


SEQ_CASES = {"lstm": ["lstm_small", "lstm_large"], "attention": ["attention_small", "attention_large"],
             "gan": ["gan_step"], "transformer": ["gpt_train_step", "gpt_decode_512"],
             "diffusion": ["unet_train_step"]}
# A whole training epoch, timed after the cases above; each peer runs it at the setting that was fastest there.
SEQ_EPOCHS = {"gan": ("gan_epoch", "one epoch of ./wb run 08's training loop (60000 images, batch 64, no scoring)")}
SEQ_SHAPES = {"lstm": "LSTM forward + backward at (batch 32, T 50, input 32, hidden 128) and (64, 100, 64, 256)",
              "attention": "multi-head self-attention forward + backward at (batch 32, length 64, dim 128, 8 heads) "
                           "and (8, 256, 256, 8 heads)",
              "gan": "one training step of chapter 08's GAN (batch 64: D on real and fake, then G through D, then G's MMD step)",
              "transformer": "chapter 09's GPT (width 128, 4 blocks, 4 query and 2 key/value heads): one training step "
                             "on 16 x 128 tokens, and 32 decode steps with a KV cache from 480 to 512 tokens",
              "diffusion": "chapter 10's denoising U-Net (width 16, 163,713 parameters): one training step, "
                           "batch 64 of 1x28x28"}
# The step whose arithmetic is counted (its counter "flops"), set against the machine's multiply-add peak (fma_peak).
SEQ_ARITHMETIC = {"diffusion": "unet_train_step"}
# name -> (our Google Benchmark binary, the PyTorch script, the libtorch binary)
SEQ_PROGRAMS = {"lstm": ("bench_seq", "seq_torch.py", "bench_seq_libtorch"),
                "attention": ("bench_seq", "seq_torch.py", "bench_seq_libtorch"),
                "gan": ("bench_gan", "gan_torch.py", "bench_gan_libtorch"),
                "transformer": ("bench_transformer", "transformer_torch.py", "bench_transformer_libtorch"),
                "diffusion": ("bench_diffusion", "diffusion_torch.py", "bench_diffusion_libtorch")}


def write_results(name, results):
    """build/out/bench/<name>.json and its chart (<name>.png); names the BLAS PyTorch loaded."""
    if results["blas"]:
        say(f"PyTorch ran with BLAS: {results['blas']}")
    out_dir = os.path.join(BUILD, "out", "bench")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
        json.dump(results, f, indent=2)
    subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "charts.py"), "bench", out_dir, name])
    return 0


def best_peer(peers):
    """The faster peer at its fastest setting, as the JSON line reports it."""
    best = min(peers, key=lambda t: t["ms"])
    return {"torch_ms": round(best["ms"], 4), "torch_peer": best["peer"], "torch_threads": best["threads"],
            "torch_mkldnn": best["mkldnn"]}


def cmd_bench_seq(args):
    """./wb bench lstm | attention | gan: chapter 03's LSTM, chapter 01's multi-head attention (forward +
    backward) or one step of chapter 08's GAN, reference kernels, against PyTorch and libtorch, in interleaved
    rounds; medians; the faster peer named."""
    ours_target, torch_script, libtorch_target = SEQ_PROGRAMS[args.name]
    ok, output = build.build([ours_target])
    if not ok:
        print(build.first_compiler_error(output))
        return 1
    binary = os.path.join(BUILD, "bench", ours_target)
    libtorch = os.path.join(BUILD, "bench", libtorch_target)
    if not build.build([libtorch_target])[0]:
        libtorch = None
        say("libtorch (Debian's libtorch-dev) is not installed: no C++ peer")
    peer = torch_available()
    if not peer:
        say("PyTorch is not installed: C++ timings only (apt-get install python3-torch for the ratios)")
    cases = SEQ_CASES[args.name]
    configs = [(t, m) for t in sorted({1, JOBS}) for m in (True, False)]
    median = lambda xs: sorted(xs)[len(xs) // 2]
    ours = {case: [] for case in cases}
    peers = {(case, name, c): [] for case in cases for name in ("pytorch", "libtorch") for c in configs}
    blas = ""

    def run_peer(name, case, c):
        """Times `case` in one peer at setting c = (threads, oneDNN on); records its median ms."""
        nonlocal blas
        cmd = [libtorch] if name == "libtorch" else ["/usr/bin/python3", os.path.join(ROOT, "bench", torch_script)]
        out = subprocess.run([*cmd, case, str(c[0]), "1" if c[1] else "0"], capture_output=True, text=True,
                             env=dict(os.environ, **HEAP_ENV), check=True)
        result = json.loads(out.stdout)
        peers[(case, name, c)].append(result["ms"])
        blas = result.get("blas", blas)  # only the PyTorch side reports its BLAS

    say(f"{SEQ_SHAPES[args.name]}, {args.rounds} interleaved rounds ...")
    runs = {}  # run name -> (ms, flops), for SEQ_ARITHMETIC
    for _ in range(args.rounds):
        times = run_google_benchmark(binary, "^(" + "|".join(cases) + ")/", 1, runs)
        for case in cases:
            ours[case].append(times[case])
            for c in configs:
                if peer:
                    run_peer("pytorch", case, c)
                if libtorch:
                    run_peer("libtorch", case, c)
    if args.name in SEQ_EPOCHS:
        epoch_case, title = SEQ_EPOCHS[args.name]
        say(f"{title}, {args.rounds} interleaved rounds, each peer at its fastest setting above ...")
        fastest = {}
        for name in ("pytorch", "libtorch"):
            timed = [(median(v), c) for (k, n, c), v in peers.items() if k == cases[0] and n == name and v]
            if timed:
                fastest[name] = min(timed)[1]
        ours[epoch_case] = []
        for name, c in fastest.items():
            peers[(epoch_case, name, c)] = []
        for _ in range(args.rounds):
            ours[epoch_case].append(run_google_benchmark(binary, f"^{epoch_case}/", 1)[epoch_case])
            for name, c in fastest.items():
                run_peer(name, epoch_case, c)
        cases = [*cases, epoch_case]
    lines = []
    for case in cases:
        line = {"case": case, "ms": round(median(ours[case]), 4)}
        measured = [{"peer": name, "threads": c[0], "mkldnn": c[1], "ms": median(v)}
                    for (k, name, c), v in peers.items() if k == case and v]
        if measured:
            line.update(best_peer(measured))
            line["ratio"] = round(line["torch_ms"] / line["ms"], 2)
            for name in ("pytorch", "libtorch"):
                mine = [m["ms"] for m in measured if m["peer"] == name]
                if mine:
                    line[f"{name}_ms"] = round(min(mine), 4)
        if case == SEQ_ARITHMETIC.get(args.name):
            line.update(arithmetic(binary, case, runs, line))
        print(json.dumps(line))
        # the JSON file also keeps every peer setting's median, so that the slow settings can be read later
        lines.append({**line, "settings": [{**m, "ms": round(m["ms"], 4)} for m in measured]})
    return write_results(args.name, {"blas": blas, "rounds": args.rounds, "cases": lines, "title": SEQ_SHAPES[args.name]})


def arithmetic(binary, case, runs, line):
    """The step's arithmetic rate, ours and the peer's, against this machine's multiply-add peak on 1 and JOBS
    threads (fma_peak, timed right after the rounds): what share of the peak a ratio of 2 would take."""
    flops = next(f for name, (_, f) in runs.items() if name.startswith(case + "/") and f)
    peak_runs = {}
    run_google_benchmark(binary, "^fma_peak/", 5, peak_runs)
    peak = {int(name.split("/")[1]): f / (ms * 1e-3) for name, (ms, f) in peak_runs.items()}
    result = {"gflop": round(flops / 1e9, 3), "gflops": round(flops / (line["ms"] * 1e-3) / 1e9, 1),
              "peak_gflops": {str(t): round(v / 1e9, 1) for t, v in sorted(peak.items())}}
    best = peak[max(peak)] / 1e9
    say(f"{case}: {flops / 1e9:.2f} GFLOP of convolution a step; ours {result['gflops']} GFLOP/s "
        f"({100 * result['gflops'] / best:.0f}% of this machine's multiply-add peak, {best:.0f} GFLOP/s on {max(peak)} threads)")
    if "torch_ms" in line:
        result["torch_gflops"] = round(flops / (line["torch_ms"] * 1e-3) / 1e9, 1)
        say(f"  the faster peer {result['torch_gflops']} GFLOP/s ({100 * result['torch_gflops'] / best:.0f}% of the peak); "
            f"twice its speed would take {200 * result['torch_gflops'] / best:.0f}% of the peak")
    return result


def cmd_bench_tokenizer(args):
    """./wb bench tokenizer: chapter 11's reference BPE against tools/fixtures/bpe_reference.py, the pure-Python
    reference of the same algorithm, on the English corpus of ./wb run 11 at its default vocabulary (512): training
    and encoding, ours the median of --rounds rounds, Python's one round (it takes minutes). Both must give the same
    merges and the same ids."""
    ok, output = build.build(["bench_tokenizer"])
    if not ok:
        print(build.first_compiler_error(output))
        return 1
    out_dir = os.path.join(BUILD, "out", "bench")
    os.makedirs(out_dir, exist_ok=True)
    vocab = 512
    say(f"chapter 11's byte-level BPE, vocabulary {vocab}, on run 11's English training text: ours, {args.rounds} rounds ...")
    ours = json.loads(subprocess.run([os.path.join(BUILD, "bench", "bench_tokenizer"), out_dir, str(vocab),
                                      str(args.rounds)], capture_output=True, text=True, check=True).stdout)
    say(f"  train {ours['train_s']:.2f} s, encode {ours['encode_s']:.2f} s ({ours['bytes'] / 1e6:.1f} MB, "
        f"{ours['tokens']:,} tokens); the Python reference, one round (a few minutes) ...")
    python = json.loads(subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "bench", "tokenizer_python.py"),
                                        os.path.join(out_dir, "tokenizer_corpus.bin"), str(vocab)],
                                       capture_output=True, text=True, check=True).stdout)
    with open(os.path.join(out_dir, "tokenizer_ours.json")) as f:
        mine = json.load(f)
    same_merges, same_ids = mine["merges"] == python["merges"], mine["ids"] == python["ids"]
    say(f"  the same merges: {'yes' if same_merges else 'NO'}; the same ids: {'yes' if same_ids else 'NO'}")
    lines = []
    for case, key in (("train_bpe", "train_s"), ("bpe_encode", "encode_s")):
        line = {"case": case, "ms": round(1000 * ours[key], 1), "torch_ms": round(1000 * python[key], 1),
                "torch_peer": "Python reference", "ratio": round(python[key] / ours[key], 2)}
        print(json.dumps(line))
        lines.append(line)
    results = {"blas": "", "rounds": args.rounds, "cases": lines, "same_merges": same_merges, "same_ids": same_ids,
               "bytes": ours["bytes"], "tokens": ours["tokens"], "vocab": vocab, "peers": "a pure-Python reference",
               "title": f"Chapter 11's byte-level BPE (vocabulary {vocab}) on {ours['bytes'] / 1e6:.1f} MB of fortunes"}
    write_results("tokenizer", results)
    return 0 if same_merges and same_ids else 1


def cmd_bench(args):
    if args.name in SEQ_CASES:
        return cmd_bench_seq(args)
    if args.name == "tokenizer":
        return cmd_bench_tokenizer(args)
    if args.name != "cnn":
        raise SystemExit("wb: the benchmarks are: cnn, lstm, attention, gan, transformer, diffusion, tokenizer")
    ok, output = build.build(["bench_cnn"])
    if not ok:
        print(build.first_compiler_error(output))
        return 1
    binary = os.path.join(BUILD, "bench", "bench_cnn")
    libtorch = os.path.join(BUILD, "bench", "bench_cnn_libtorch")
    if not build.build(["bench_cnn_libtorch"])[0]:  # only where Debian's libtorch-dev is installed
        libtorch = None
        say("libtorch (Debian's libtorch-dev) is not installed: no C++ peer")
    peer = torch_available()
    if not peer:
        say("PyTorch is not installed: C++ timings only (apt-get install python3-torch for the ratios)")
    configs = [(t, m) for t in sorted({1, JOBS}) for m in (True, False)]  # the peers: keep their fastest
    median = lambda xs: sorted(xs)[len(xs) // 2]
    results = {}
    say(f"kernels at the chapter 07 shapes (batch 32, 1x28x28 -> 32x26x26 -> 32x13x13), {args.rounds} interleaved rounds ...")
    kernel_ours = {case: [] for case in CNN_KERNELS}
    kernel_torch = {(case, c): [] for case in CNN_KERNELS for c in configs}
    blas = ""  # the BLAS libraries the PyTorch process loaded
    for _ in range(args.rounds):  # each round: ours, then every peer setting, so both see the same machine
        ours = run_google_benchmark(binary, "conv|maxpool", 1)
        for case in CNN_KERNELS:
            kernel_ours[case].append(ours[case])
            for c in configs if peer else []:
                out = run_torch(case, c[0], c[1])
                kernel_torch[(case, c)].append(out["ms"])
                blas = out["blas"]
    for case in CNN_KERNELS:
        results[case] = {"ms": median(kernel_ours[case]),
                         "torch": [{"threads": c[0], "mkldnn": c[1], "ms": median(kernel_torch[(case, c)]), "peer": "pytorch"}
                                   for c in configs if kernel_torch[(case, c)]]}
    say(f"one training epoch (60000 images, batch 32), {args.rounds} interleaved rounds ...")
    epoch_ours, epoch_unfused = [], []
    epoch_torch = {c: [] for c in configs}
    epoch_libtorch = {c: [] for c in configs}
    for _ in range(args.rounds):
        times = run_google_benchmark(binary, "train_epoch_binary", 1)
        epoch_ours.append(times["train_epoch_binary"])
        epoch_unfused.append(times["train_epoch_binary_unfused"])
        for c in configs:
            if peer:
                epoch_torch[c].append(run_torch("train_epoch_binary", c[0], c[1], 1)["ms"])
            if libtorch:
                out = subprocess.run([libtorch, str(c[0]), "1" if c[1] else "0"], capture_output=True, text=True,
                                     env=dict(os.environ, **HEAP_ENV), check=True)
                epoch_libtorch[c].append(json.loads(out.stdout)["ms"])
    peers = [{"threads": c[0], "mkldnn": c[1], "ms": median(v), "peer": "pytorch"}
             for c, v in epoch_torch.items() if v]
    peers += [{"threads": c[0], "mkldnn": c[1], "ms": median(v), "peer": "libtorch"}
              for c, v in epoch_libtorch.items() if v]
    results["train_epoch_binary"] = {"ms": median(epoch_ours), "torch": peers}
    results["train_epoch_binary_unfused"] = {"ms": median(epoch_unfused), "torch": peers}
    lines = []
    for case, r in results.items():
        line = {"case": case, "ms": round(r["ms"], 4)}
        if r["torch"]:
            best = min(r["torch"], key=lambda t: t["ms"])  # the faster peer, at its fastest setting
            line.update({"torch_ms": round(best["ms"], 4), "ratio": round(best["ms"] / r["ms"], 2),
                         "torch_peer": best.get("peer", "pytorch"), "torch_threads": best["threads"],
                         "torch_mkldnn": best["mkldnn"]})
            for name in ("pytorch", "libtorch"):
                mine = [t["ms"] for t in r["torch"] if t.get("peer", "pytorch") == name]
                if mine and case.startswith("train_epoch"):
                    line[f"{name}_ms"] = round(min(mine), 4)
        print(json.dumps(line))
        lines.append(line)
    return write_results("cnn", {"blas": blas, "rounds": args.rounds, "cases": lines})
