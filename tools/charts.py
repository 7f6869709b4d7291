"""Charts that people read as charts, drawn with Debian's python3-matplotlib from the metrics.json a
program wrote: ./wb run NN calls it after the program. Image grids and heatmaps stay in C++ (framework/png).

    /usr/bin/python3 tools/charts.py 07 build/out/07      # writes build/out/07/training.png
    /usr/bin/python3 tools/charts.py 01 build/out/01      # writes build/out/01/scaling.png
    /usr/bin/python3 tools/charts.py bench build/out/bench  # from ./wb bench cnn's cnn.json: cnn.png
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
    ax.set_title("Chapter 07 kernels and one training epoch against PyTorch and libtorch")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


CHARTS = {"01": ("scaling.png", scaling_chart), "07": ("training.png", training_chart)}
SOURCES = {"bench": ("cnn.json", "cnn.png", bench_chart)}


def main(argv):
    chapter, folder = argv[0], argv[1]
    source, name, draw = SOURCES.get(chapter, ("metrics.json",) + CHARTS.get(chapter, (None, None)))
    if draw is None:
        return 0
    if plt is None:
        print("charts: matplotlib is not installed (apt-get install python3-matplotlib); no charts drawn")
        return 1
    with open(os.path.join(folder, source)) as f:
        metrics = json.load(f)
    with plt.rc_context(STYLE):
        draw(metrics, os.path.join(folder, name))
    print(f"charts: {os.path.join(folder, name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
