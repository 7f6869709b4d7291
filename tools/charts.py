"""Charts that people read as charts, drawn with Debian's python3-matplotlib from the metrics.json a
program wrote: ./wb run NN calls it after the program. Image grids and heatmaps stay in C++ (framework/png).

    /usr/bin/python3 tools/charts.py 07 build/out/07      # writes build/out/07/training.png
    /usr/bin/python3 tools/charts.py 01 build/out/01      # writes build/out/01/scaling.png
    /usr/bin/python3 tools/charts.py 02 build/out/02      # training.png
    /usr/bin/python3 tools/charts.py 06 build/out/06      # training.png
    /usr/bin/python3 tools/charts.py 03 build/out/03      # learning_curves.png, gradient_norms.png, step_times.png
    /usr/bin/python3 tools/charts.py 08 build/out/08      # gan_training.png
    /usr/bin/python3 tools/charts.py 09 build/out/09      # training.png
    /usr/bin/python3 tools/charts.py 10 build/out/10      # training.png (and sweep.json's quality against steps)
    /usr/bin/python3 tools/charts.py bench build/out/bench  # from ./wb bench cnn's cnn.json: cnn.png
    /usr/bin/python3 tools/charts.py bench build/out/bench lstm  # lstm.json -> lstm.png (and attention)
    /usr/bin/python3 tools/charts.py class gradebook/       # ./wb grade-class's summary.json -> histogram.png
"""
import json
import os
import sys

try:
    import matplotlib
    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

STYLE = {"figure.dpi": 110, "axes.grid": True, "grid.alpha": 0.3, "axes.spines.top": False,
         "axes.spines.right": False, "font.size": 9}


def training_chart(metrics, path):
    """Chapter 07: the training loss as it falls (a running mean over the last batches), the test loss
    and the test accuracy after each epoch."""
    epochs = metrics["epochs"]
    images = metrics["train_images"]
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(9, 3.4))
    curve = [(point[0], point[1]) for e in epochs for point in e.get("loss_curve", [])]
    if curve:
        loss_ax.plot([c[0] / images for c in curve], [c[1] for c in curve], label="training loss (running mean)",
                     color="tab:blue")
    loss_ax.plot([e["epoch"] for e in epochs], [e["test_loss"] for e in epochs], "o-", color="tab:orange",
                 label="test loss, end of epoch")
    loss_ax.set_xlabel("epochs (training images seen / %d)" % images)
    loss_ax.set_ylabel("loss")
    loss_ax.set_ylim(bottom=0)
    loss_ax.legend(frameon=False)
    acc_ax.plot([e["epoch"] for e in epochs], [100 * e["test_accuracy"] for e in epochs], "o-", color="tab:green")
    for e in epochs:
        acc_ax.annotate(f"{100 * e['test_accuracy']:.1f}%", (e["epoch"], 100 * e["test_accuracy"]),
                        textcoords="offset points", xytext=(0, 6), ha="center")
    acc_ax.set_xlabel("epoch")
    acc_ax.set_ylabel("test accuracy (%)")
    acc_ax.set_xticks([e["epoch"] for e in epochs])
    acc_ax.margins(x=0.25, y=0.35)  # room for the labels above the points
    task = "binary (footwear vs rest)" if metrics["task"] == "binary" else "10 classes"
    fig.suptitle(f"Chapter 07, {task}, {metrics['kernels']} kernels, {images} training images")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def scaling_chart(metrics, path):
    """Chapter 01: why divide by sqrt(D): the variance of the scores, and the peak attention weight,
    with and without the scale, as D grows."""
    rows = metrics["rows"]
    d = [r["d"] for r in rows]
    fig, (var_ax, max_ax) = plt.subplots(1, 2, figsize=(9, 3.4))
    var_ax.loglog(d, [r["var_raw"] for r in rows], "o-", label="q.k", base=2)
    var_ax.loglog(d, [r["var_scaled"] for r in rows], "o-", label="q.k / sqrt(D)", base=2)
    var_ax.set_xlabel("D (features per head)")
    var_ax.set_ylabel("variance of the scores")
    var_ax.legend(frameon=False)
    max_ax.semilogx(d, [r["max_weight_raw"] for r in rows], "o-", label="softmax(q.k)", base=2)
    max_ax.semilogx(d, [r["max_weight_scaled"] for r in rows], "o-", label="softmax(q.k / sqrt(D))", base=2)
    max_ax.axhline(1 / metrics["keys"], color="gray", linestyle=":", label=f"uniform (1/{metrics['keys']})")
    max_ax.set_xlabel("D (features per head)")
    max_ax.set_ylabel("largest attention weight")
    max_ax.set_ylim(0, 1.05)
    max_ax.legend(frameon=False)
    fig.suptitle(f"Chapter 01: scores grow with D unless scaled ({metrics['flavour']} kernels)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def bench_chart(results, path):
    """./wb bench cnn: how many times faster than the faster peer (PyTorch or libtorch, at its best
    setting) each case runs; 1 is parity."""
    cases = [c for c in results["cases"] if "ratio" in c]
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.45 * len(cases)))
    names = [c["case"].replace("_", " ") for c in cases]
    ratios = [c["ratio"] for c in cases]
    bars = ax.barh(names, ratios, color=["tab:green" if r >= 1 else "tab:red" for r in ratios])
    ax.axvline(1.0, color="gray", linestyle=":")
    def ms(value):
        return f"{value:.0f}" if value >= 100 else f"{value:.3g}"

    for bar, c in zip(bars, cases):
        ax.annotate(f"{c['ratio']:.2f}x  ({ms(c['ms'])} ms vs {ms(c['torch_ms'])} ms, {c['torch_peer']})",
                    (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(4, 0),
                    textcoords="offset points", va="center")
    ax.invert_yaxis()
    ax.set_xlabel("speed relative to the faster peer (higher is faster)")
    ax.set_xlim(0, max(ratios + [1.0]) * 1.6)
    ax.set_title(results.get("title", "Chapter 07 kernels and one training epoch") + " against "
                 + results.get("peers", "PyTorch and libtorch"),
                 fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


MODEL_COLOURS = {"rnn": "tab:red", "lstm": "tab:blue", "attention": "tab:green"}
MODEL_NAMES = {"rnn": "plain RNN", "lstm": "LSTM", "attention": "self-attention"}


RECALL_COLOURS = {"lstm": "tab:blue", "attention": "tab:green", "linear_attention": "tab:purple", "recurrence": "tab:orange"}
RECALL_NAMES = {"lstm": "LSTM", "attention": "softmax attention", "linear_attention": "linear attention",
                "recurrence": "gated linear recurrence"}


def recall_chart(recall, path):
    """Chapter 03's associative recall: held-out accuracy against the number of pairs, with each model's state
    per sequence in the legend, and the time per training step against the sequence length."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for model, colour in RECALL_COLOURS.items():
        runs = [r for r in recall["runs"] if r["model"] == model and not r["skipped"]]
        if not runs:
            continue
        state = "grows: 2ET" if model == "attention" else f"{runs[0]['state_numbers']} numbers"
        axes[0].plot([r["pairs"] for r in runs], [100 * r["accuracy"] for r in runs], "o-", color=colour,
                     label=f"{RECALL_NAMES[model]} (state {state})")
        axes[1].plot([r["length"] for r in runs], [r["ms_per_step"] for r in runs], "o-", color=colour,
                     label=RECALL_NAMES[model])
    axes[0].axhline(100 / recall["values"], color="gray", linestyle=":", label="chance")
    axes[0].plot(recall["pairs"], [100 * a for a in recall["majority_value_accuracy"]], "--", color="gray",
                 label="answer the most frequent value")
    axes[0].set_xscale("log", base=2)
    axes[0].set_xlabel("pairs P in the sequence")
    axes[0].set_ylabel("held-out recall accuracy (%)")
    axes[0].set_ylim(0, 102)
    axes[0].legend(frameon=False, fontsize=7)
    axes[1].set_xscale("log", base=2)
    axes[1].set_xlabel("sequence length T = 2P")
    axes[1].set_ylabel(f"ms per training step (batch {recall['batch']})")
    fig.suptitle(f"Associative recall, width {recall['width']}, {recall['steps']} steps per model and P")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    print(f"charts: {path}")


def lstm_charts(metrics, path):
    """Chapter 03: learning curves of the three models on every task (learning_curves.png), the gradient
    reaching each h_t for the trained RNN and LSTM (gradient_norms.png), the time per training step
    (step_times.png, next to the first) and associative recall (recall.png). Returns False when only the
    recall part ran (./wb run 03 --recall-only): learning_curves.png is not drawn then."""
    if "recall" in metrics:
        recall_chart(metrics["recall"], os.path.join(os.path.dirname(path), "recall.png"))
    if "runs" not in metrics:
        return False
    runs = metrics["runs"]
    panels = sorted({(r["task"], r["length"] or r["gap"]) for r in runs}, key=lambda p: (p[0] != "adding", p[1]))
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.2), squeeze=False)
    for ax, (task, size) in zip(axes[0], panels):
        for r in runs:
            if r["task"] != task or (r["length"] or r["gap"]) != size or not r["curve"]:
                continue
            steps = [p[0] for p in r["curve"]]
            values = [p[1] for p in r["curve"]] if task == "adding" else [100 * p[2] for p in r["curve"]]
            ax.plot(steps, values, color=MODEL_COLOURS[r["model"]], label=MODEL_NAMES[r["model"]], linewidth=1.2)
        if task == "adding":
            ax.axhline(1 / 6, color="gray", linestyle=":", label="predict the mean")
            ax.axhline(metrics["solved_below"], color="black", linestyle="--", linewidth=0.8, label="solved")
            ax.set_yscale("log")
            ax.set_title(f"adding, T = {size}")
            ax.set_ylabel("training MSE")
        else:
            ax.axhline(100 / metrics["copy_alphabet"], color="gray", linestyle=":", label="chance")
            ax.set_ylim(0, 102)
            ax.set_title(f"copy, gap = {size}")
            ax.set_ylabel("recall accuracy (%)")
        ax.set_xlabel("training step")
    axes[0][0].legend(frameon=False, fontsize=7)
    fig.suptitle(f"Chapter 03: {metrics['steps']} steps of batch {metrics['batch']} per model ({metrics['kernels']} kernels)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)

    folder = os.path.dirname(path)
    norms = metrics["gradient_norms"]
    if norms:
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
        lengths = sorted({g["length"] for g in norms})
        styles = ["-", "--", ":", "-."]
        for ax, key, title in ((axes[0], "init_norms", "at initialisation"), (axes[1], "norms", "after training")):
            for g in norms:
                style = styles[lengths.index(g["length"]) % len(styles)]
                ax.semilogy(range(len(g[key])), [max(v, 1e-45) for v in g[key]], style, color=MODEL_COLOURS[g["model"]],
                            label=f"{MODEL_NAMES[g['model']]}, T = {g['length']}")
            ax.set_xlabel("time step t (the loss is read after the last step)")
            ax.set_title(title)
        axes[0].set_ylabel("mean |dL/dh_t|")
        axes[1].legend(frameon=False, fontsize=7, ncol=2)
        fig.suptitle("How much gradient reaches each step of an adding sequence")
        fig.tight_layout()
        fig.savefig(os.path.join(folder, "gradient_norms.png"))
        plt.close(fig)
        print(f"charts: {os.path.join(folder, 'gradient_norms.png')}")

    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    labels = [f"{r['task']} {'T' if r['task'] == 'adding' else 'gap'}={r['length'] or r['gap']}" for r in runs]
    groups = list(dict.fromkeys(labels))
    width = 0.27
    for k, model in enumerate(["rnn", "lstm", "attention"]):
        timed = [(l, r) for l, r in zip(labels, runs) if r["model"] == model and r["ms_per_step"] > 0]  # skipped: 0
        xs = [groups.index(l) + (k - 1) * width for l, _ in timed]
        ys = [r["ms_per_step"] for _, r in timed]
        ax.bar(xs, ys, width, color=MODEL_COLOURS[model], label=MODEL_NAMES[model])
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups, fontsize=7)
    ax.set_yscale("log")
    ax.set_ylabel("ms per training step")
    ax.set_title(f"Time per training step, batch {metrics['batch']}")
    ax.legend(frameon=False, fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "step_times.png"))
    plt.close(fig)
    print(f"charts: {os.path.join(folder, 'step_times.png')}")


def gan_chart(metrics, path):
    """Chapter 08: D's and G's losses and D's accuracies per epoch, then (when scored) the Fréchet distance from
    the untrained generator on and the smallest class share of the samples per epoch, against the 3% target."""
    epochs = [e for e in metrics["epochs"] if e["epoch"] > 0]
    scored = metrics["scored"]
    fig, axes = plt.subplots(1, 4 if scored else 2, figsize=(16 if scored else 8, 3.4))
    xs = [e["epoch"] for e in epochs]
    if metrics.get("like_the_source"):  # one combined fit: a single loss, on class labels
        axes[0].plot(xs, [e["fit_loss"] for e in epochs], "o-", color="tab:red", label="the source's fit loss")
        axes[0].axhline(0, color="gray", linestyle=":")
    else:
        axes[0].plot(xs, [e["d_loss"] for e in epochs], "o-", label="D loss")
        axes[0].plot(xs, [e["g_loss"] for e in epochs], "o-", label="G loss")
    axes[0].set_xlabel("epoch")
    axes[0].set_ylabel("mean loss")
    axes[0].legend(frameon=False)
    axes[1].plot(xs, [100 * e["d_real_accuracy"] for e in epochs], "o-", label="D on real")
    axes[1].plot(xs, [100 * e["d_fake_accuracy"] for e in epochs], "o-", label="D on fake")
    axes[1].axhline(50, color="gray", linestyle=":", label="chance")
    axes[1].set_ylim(0, 102)
    axes[1].set_xlabel("epoch")
    axes[1].set_ylabel("D's accuracy (%)")
    axes[1].legend(frameon=False)
    if scored:
        all_epochs = metrics["epochs"]
        axes[2].plot([e["epoch"] for e in all_epochs], [e["frechet_distance"] for e in all_epochs], "o-", color="tab:purple")
        axes[2].set_yscale("log")
        axes[2].set_xlabel("epoch (0: untrained)")
        axes[2].set_ylabel("Fréchet distance to real test images")
        axes[3].plot([e["epoch"] for e in all_epochs], [100 * min(e["class_shares"]) for e in all_epochs], "o-",
                     color="tab:green", label="generated")
        if metrics.get("real_class_shares"):
            axes[3].axhline(100 * min(metrics["real_class_shares"]), color="tab:green", linestyle="--",
                            label="real test images")
        axes[3].axhline(3, color="gray", linestyle=":", label="target: 3%")
        axes[3].set_ylim(0, None)
        axes[3].set_xlabel("epoch (0: untrained)")
        axes[3].set_ylabel("smallest class share (%)")
        axes[3].legend(frameon=False)
    if metrics.get("like_the_source"):
        recipe = "trained like the source: one fit on class labels"
    elif not metrics.get("minibatch_stddev"):
        recipe = "the plain recipe"
    else:
        recipe = "with minibatch stddevs in D" + (" and G's MMD step" if metrics.get("mmd_learning_rate") else "")
    fig.suptitle(f"Chapter 08: the source's GAN on {metrics['train_images']} images, {recipe} ({metrics['kernels']} kernels)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def attention_nlp_chart(metrics, path):
    """Chapter 02: test exact match per epoch of the date models with and without attention, their exact
    match by source length and by format, and the sentence classifiers' test accuracy per epoch (attention
    vs mean pooling)."""
    dates, sentences = metrics["dates"], metrics["sentences"]
    fig, axes = plt.subplots(1, 4, figsize=(18, 4.2), gridspec_kw={"width_ratios": [1, 1, 1.6, 1]})
    for key, label in (("attention", "with attention"), ("no_attention", "without attention")):
        epochs = dates[key]["epochs"]
        axes[0].plot([e["epoch"] for e in epochs], [e["test_exact_match"] for e in epochs], "o-", label=label)
    axes[0].set_ylim(0, 1.02)
    axes[0].set_xlabel("epoch")
    axes[0].set_ylabel("date test exact match")
    axes[0].legend(frameon=False)
    buckets = sorted(dates["attention"]["by_source_length"])
    xs = range(len(buckets))
    for offset, (key, label) in zip((-0.2, 0.2), (("attention", "with attention"), ("no_attention", "without"))):
        axes[1].bar([x + offset for x in xs], [dates[key]["by_source_length"][b]["exact_match"] for b in buckets],
                    width=0.4, label=label)
    axes[1].set_xticks(list(xs), buckets)
    axes[1].set_ylim(0, 1.02)
    axes[1].set_xlabel("source length (characters)")
    axes[1].set_ylabel("exact match after training")
    axes[1].legend(frameon=False)
    formats = sorted(dates["attention"]["by_format"])
    xs = range(len(formats))
    for offset, (key, label) in zip((-0.2, 0.2), (("attention", "with attention"), ("no_attention", "without"))):
        axes[2].bar([x + offset for x in xs], [dates[key]["by_format"][f]["exact_match"] for f in formats],
                    width=0.4, label=label)
    axes[2].set_xticks(list(xs), [dates["attention"]["by_format"][f].get("example", f) for f in formats],
                       rotation=40, ha="right", fontsize=7)
    axes[2].set_ylim(0, 1.02)
    axes[2].set_ylabel("exact match after training, by format")
    for key, label in (("attention_pooling", "attention pooling"), ("mean_pooling", "mean pooling")):
        epochs = sentences[key]["epochs"]
        axes[3].plot([e["epoch"] for e in epochs], [e["test_accuracy"] for e in epochs], "o-", label=label)
    if "questions" in metrics:
        epochs = metrics["questions"]["epochs"]
        axes[3].plot([e["epoch"] for e in epochs], [e["test_exact_match"] for e in epochs], ".-", color="tab:green",
                     label="QA exact match (span attention)")
    axes[3].axhline(0.25, color="gray", linestyle=":", label="chance (4 classes)")
    axes[3].set_ylim(0, 1.02)
    axes[3].set_xlabel("epoch")
    axes[3].set_ylabel("sentences: test accuracy; QA: exact match")
    axes[3].legend(frameon=False)
    fig.suptitle(f"Chapter 02: attention in NLP ({metrics['kernels']} kernels)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def attention_rnn_chart(metrics, path):
    """Chapter 06: test accuracy against training steps, one panel per sequence length, the attention RNN
    beside the plain LSTM (with --seeds, one thin line per seed)."""
    lengths = sorted({run["length"] for run in metrics["runs"]})
    fig, axes = plt.subplots(1, len(lengths), figsize=(3.4 * len(lengths), 3.2), squeeze=False)
    for ax, length in zip(axes[0], lengths):
        runs = [run for run in metrics["runs"] if run["length"] == length]
        for key, label, color in (("attention_rnn", "LSTM + attention", "tab:blue"),
                                  ("plain_lstm", "plain LSTM (the source's)", "tab:orange")):
            for i, run in enumerate(runs):
                curve = run[key]["curve"]
                ax.plot([p["step"] for p in curve], [p["test_accuracy"] for p in curve], "o-" if len(runs) == 1 else "-",
                        markersize=3, color=color, alpha=1.0 if len(runs) == 1 else 0.5, label=label if i == 0 else None)
        ax.axhline(0.1, color="gray", linestyle=":", label="chance")
        ax.set_ylim(0, 1.02)
        ax.set_title(f"T = {length}" + (f", {len(runs)} seeds" if len(runs) > 1 else ""))
        ax.set_xlabel("training steps")
    axes[0][0].set_ylabel("test accuracy")
    axes[0][0].legend(frameon=False, fontsize=8)
    fig.suptitle(f"Chapter 06: marked-digit recall, batch {metrics['batch']}, LSTM {metrics['hidden']} units "
                 f"({metrics['kernels']} kernels)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def class_histogram(summary, path):
    """./wb grade-class: how many students reached each total, out of the chapters' points."""
    totals, maximum = summary["totals"], summary["max_points"]
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    bins = [maximum * i / 20 for i in range(21)]
    ax.hist(totals, bins=bins, color="tab:blue", edgecolor="white")
    ax.set_xlim(0, maximum)
    ax.set_xlabel(f"total points (out of {maximum})")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    mean = sum(totals) / len(totals) if totals else 0
    if totals:
        ax.axvline(mean, color="tab:orange", linestyle="--", label=f"mean {mean:.1f}")
        ax.legend(loc="upper center")
    ax.set_title(f"{summary['graded']} students graded"
                 + (f", {summary['refused']} refused" if summary["refused"] else ""))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def gpt_chart(metrics, path):
    """Chapter 09: the training loss per step (a running mean over 20 steps) with the validation loss after each
    epoch (and the PyTorch twin's, when ./wb run 09 --twin ran it); and generation's tokens per second with and
    without the KV cache at each context."""
    epochs = metrics["epochs"]
    fig, (loss_ax, speed_ax) = plt.subplots(1, 2, figsize=(9.5, 3.6))
    curve = [point for e in epochs for point in e["loss_curve"]]
    steps, losses = [c[0] for c in curve], [c[1] for c in curve]
    smooth = [sum(losses[max(0, i - 19):i + 1]) / len(losses[max(0, i - 19):i + 1]) for i in range(len(losses))]
    loss_ax.plot(steps, smooth, color="tab:blue", label="training loss (mean of the last 20 steps)")
    ends = [e["epoch"] * metrics["config"]["steps_per_epoch"] for e in epochs]
    loss_ax.plot(ends, [e["val_loss"] for e in epochs], "o-", color="tab:orange", label="validation loss (ours)")
    twin = metrics.get("twin")
    if twin:
        loss_ax.plot(ends, [e["val_loss"] for e in twin["epochs"]], "s--", color="tab:red", mfc="none",
                     label="validation loss (PyTorch twin)")
    loss_ax.set_xlabel("training step")
    loss_ax.set_ylabel("cross-entropy (nats per character)")
    loss_ax.legend(frameon=False)
    generation = metrics["generation"]
    contexts = [g["context"] for g in generation]
    speed_ax.plot(contexts, [g["cached_tokens_per_second"] for g in generation], "o-", color="tab:green",
                  label="with the KV cache")
    speed_ax.plot(contexts, [g["recomputed_tokens_per_second"] for g in generation], "o-", color="tab:gray",
                  label="recomputing the prefix")
    for g in generation:
        speed_ax.annotate(f"{g['speedup']:.0f}x", (g["context"], g["cached_tokens_per_second"]),
                          textcoords="offset points", xytext=(0, 6), ha="center")
    speed_ax.set_yscale("log")
    speed_ax.set_xscale("log", base=2)
    speed_ax.set_xticks(contexts)
    speed_ax.set_xticklabels([str(c) for c in contexts])
    speed_ax.set_xlabel("context (tokens)")
    speed_ax.set_ylabel("generated tokens per second")
    speed_ax.legend(frameon=False, loc="lower left")
    corpus = "Tang and Song poems" if metrics["corpus"] == "zh" else "fortunes"
    fig.suptitle(f"Chapter 09, a GPT of {metrics['parameters']:,} parameters on {corpus}, {metrics['kernels']} kernels")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


FASHION_CLASSES = ["T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"]


def diffusion_chart(metrics, path):
    """Chapter 10: the training loss per step (a running mean over 20 steps); when scored, each class's share of
    guided and unconditional samples beside the real test images'; and with --sweep, the Fréchet distance against
    the sampling steps for every sampler swept so far (sweep.json beside metrics.json keeps the eps and the flow
    runs' sweeps), each point labelled with its sampling seconds."""
    folder = os.path.dirname(path)
    sweeps = {}
    if os.path.isfile(os.path.join(folder, "sweep.json")):
        with open(os.path.join(folder, "sweep.json")) as f:
            sweeps = json.load(f)
    if metrics.get("sweep"):
        sweeps[metrics["objective"]] = metrics["sweep"]
    score = metrics.get("score") or {}
    panels = 1 + bool(score) + bool(sweeps)
    fig, axes = plt.subplots(1, panels, figsize=(4.6 * panels, 3.6), squeeze=False)
    axes = list(axes[0])
    loss_ax = axes.pop(0)
    curve = [point for e in metrics["epochs"] for point in e["loss_curve"]]
    steps, losses = [c[0] for c in curve], [c[1] for c in curve]
    smooth = [sum(losses[max(0, i - 19):i + 1]) / len(losses[max(0, i - 19):i + 1]) for i in range(len(losses))]
    loss_ax.plot(steps, smooth, color="tab:blue")
    loss_ax.set_xlabel("training step")
    target = "noise" if metrics["objective"] == "eps" else "velocity"
    loss_ax.set_ylabel(f"MSE on the {target} (mean of the last 20 steps)")
    if score:
        shares_ax = axes.pop(0)
        classes = range(len(score["class_shares"]))
        for offset, key, label in ((-0.27, "class_shares", f"guided (s = {metrics['guidance']:g})"),
                                   (0.0, "unconditional_class_shares", "unconditional"),
                                   (0.27, "real_class_shares", "real test images")):
            shares_ax.bar([c + offset for c in classes], [100 * v for v in score[key]], width=0.27, label=label)
        shares_ax.axhline(8, color="gray", linestyle=":", label="target: 8%")
        shares_ax.set_xticks(list(classes))
        shares_ax.set_xticklabels(FASHION_CLASSES[:len(score["class_shares"])], rotation=45, ha="right")
        shares_ax.set_xlabel("class the chapter 07 classifier sees")
        shares_ax.set_title(f"guided samples recognised as the class asked for: "
                            f"{100 * score['recognised_share']:.1f}% (target 85%)", fontsize=8)
        shares_ax.set_ylabel("share of the samples (%)")
        shares_ax.legend(frameon=False, fontsize=7)
    if sweeps:
        sweep_ax = axes.pop(0)
        colors = {"ddpm": "tab:red", "ddim": "tab:blue", "euler": "tab:green"}
        names = {"ddpm": "DDPM (eps model)", "ddim": "DDIM (eps model)", "euler": "Euler (flow model)"}
        for objective in sorted(sweeps):
            for sampler in ("ddpm", "ddim", "euler"):
                points = sorted((p for p in sweeps[objective] if p["sampler"] == sampler), key=lambda p: p["steps"])
                if not points:
                    continue
                xs, ys = [p["steps"] for p in points], [p["frechet_distance"] for p in points]
                sweep_ax.plot(xs, ys, "o-", color=colors[sampler], label=names[sampler])
                for p in points:
                    sweep_ax.annotate(f"{p['seconds']:.0f} s", (p["steps"], p["frechet_distance"]),
                                      textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7)
        sweep_ax.set_xscale("log")
        sweep_ax.set_ylim(0, None)
        ticks = sorted({p["steps"] for sweep in sweeps.values() for p in sweep})
        sweep_ax.set_xticks(ticks)
        sweep_ax.set_xticklabels([str(t) for t in ticks])
        sweep_ax.minorticks_off()
        sweep_ax.set_xlabel("sampling steps (guided: 2 network evaluations each)")
        sweep_ax.set_ylabel("Fréchet distance to real test images")
        sweep_ax.legend(frameon=False, fontsize=7)
    fig.suptitle(f"Chapter 10: a denoising U-Net of {metrics['parameters']:,} parameters, objective "
                 f"{metrics['objective']}, {metrics['kernels']} kernels")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def lm_chart(metrics, path):
    """Chapter 11: the training loss per step (a running mean over 20 steps) with the validation bits per byte after
    each epoch; the learning rate per step (warmup, cosine decay); one training step's peak tensor memory with and
    without activation checkpointing."""
    epochs = metrics["epochs"]
    fig, (loss_ax, lr_ax, memory_ax) = plt.subplots(1, 3, figsize=(12, 3.6))
    curve = [point for e in epochs for point in e["loss_curve"]]
    steps, losses = [c[0] for c in curve], [c[1] for c in curve]
    smooth = [sum(losses[max(0, i - 19):i + 1]) / len(losses[max(0, i - 19):i + 1]) for i in range(len(losses))]
    loss_ax.plot(steps, smooth, color="tab:blue", label="training loss, nats per token (mean of the last 20 steps)")
    loss_ax.set_xlabel("optimizer step")
    loss_ax.set_ylabel("nats per token")
    bpb_ax = loss_ax.twinx()
    ends = [e["epoch"] * metrics["config"]["steps_per_epoch"] for e in epochs]
    bpb_ax.plot(ends, [e["val_bits_per_byte"] for e in epochs], "o-", color="tab:orange", label="validation, bits per byte")
    bpb_ax.set_ylabel("bits per byte")
    lines = loss_ax.get_legend_handles_labels(), bpb_ax.get_legend_handles_labels()
    loss_ax.legend(lines[0][0] + lines[1][0], lines[0][1] + lines[1][1], frameon=False, fontsize=7)
    rates = [r for e in epochs for r in e["lr"]]
    lr_ax.plot(range(len(rates)), rates, color="tab:green")
    lr_ax.set_xlabel("optimizer step")
    lr_ax.set_ylabel("learning rate")
    lr_ax.set_title(f"warmup {metrics['config']['warmup']} steps, then cosine to a tenth", fontsize=8)
    memory = metrics["memory"]
    names = ["none" if m["segment"] == 0 else f"every {m['segment']}" for m in memory]
    bars = memory_ax.bar(names, [m["peak_bytes"] / 1e6 for m in memory], color=["tab:gray"] + ["tab:purple"] * (len(memory) - 1))
    for bar, m in zip(bars, memory):
        memory_ax.annotate(f"{m['seconds']:.2f} s", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                           textcoords="offset points", xytext=(0, 3), ha="center", fontsize=7)
    memory_ax.set_xlabel("activation checkpointing: blocks per segment")
    memory_ax.set_ylabel("peak tensor memory of a step (MB)")
    memory_ax.set_title("one training step, with its seconds", fontsize=8)
    corpus = "Tang and Song poems" if metrics["corpus"] == "zh" else "fortunes"
    fig.suptitle(f"Chapter 11: a GPT of {metrics['parameters']:,} parameters on {corpus} in "
                 f"{metrics['tokenizer']['vocab']} BPE tokens, {metrics['config']['optimizer']}, "
                 f"{metrics['config']['precision']}, {metrics['kernels']} kernels")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


CHARTS = {"01": ("scaling.png", scaling_chart), "02": ("training.png", attention_nlp_chart),
          "06": ("training.png", attention_rnn_chart), "03": ("learning_curves.png", lstm_charts),
          "07": ("training.png", training_chart), "08": ("gan_training.png", gan_chart),
          "09": ("training.png", gpt_chart), "10": ("training.png", diffusion_chart),
          "11": ("training.png", lm_chart)}
SOURCES = {"bench": ("cnn.json", "cnn.png", bench_chart), "class": ("summary.json", "histogram.png", class_histogram)}


def main(argv):
    chapter, folder = argv[0], argv[1]
    source, name, draw = SOURCES.get(chapter, ("metrics.json",) + CHARTS.get(chapter, (None, None)))
    if chapter == "bench" and len(argv) > 2:  # ./wb bench lstm | attention
        source, name = f"{argv[2]}.json", f"{argv[2]}.png"
    if draw is None:
        return 0
    if plt is None:
        print("charts: matplotlib is not installed (apt-get install python3-matplotlib); no charts drawn")
        return 1
    with open(os.path.join(folder, source)) as f:
        metrics = json.load(f)
    with plt.rc_context(STYLE):
        drawn = draw(metrics, os.path.join(folder, name))
    if drawn is not False:
        print(f"charts: {os.path.join(folder, name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
