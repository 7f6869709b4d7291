"""Numbers on the pages that a fast command reproduces (part of ./wb test).

tools/quoted_numbers.json lists, per command that runs in under a minute, the metrics.json it writes and
each quote: a line of page text with {fields} formatted from expressions over those metrics. The check runs
the command, formats every quote and requires it, word for word, on the page: a page that quotes a number
the committed code no longer gives fails here, with the number it gives now. (Numbers from the long
training runs are not re-run by ./wb test; their commands are named on the page.)"""
import json
import os
import re
import subprocess
import sys

from project import ROOT

SPEC = os.path.join(ROOT, "tools", "quoted_numbers.json")


def formatted(quote, metrics):
    """The quote's text with its values filled in from metrics (m: the metrics; row(d): the entry of m['rows']
    with that d; find(items, key=value, ...): the first entry of a list with those keys)."""
    def find(items, **wanted):
        return next(r for r in items if all(r.get(k) == v for k, v in wanted.items()))

    def row(d):
        return find(metrics["rows"], d=d)
    names = {"m": metrics, "row": row, "find": find}
    values = {name: eval(expr, {"__builtins__": {}}, names)  # our own committed file
              for name, expr in quote["values"].items()}
    return quote["text"].format(**values)


def check(tally):
    with open(SPEC) as f:
        spec = json.load(f)
    for entry in spec["checks"]:
        command = ["./wb", *entry["command"]]
        run = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "wb.py"), *entry["command"]], cwd=ROOT,
                             capture_output=True, text=True, timeout=600)
        if not tally.check(run.returncode == 0, f"{' '.join(command)} runs", (run.stdout + run.stderr)[-800:]):
            continue
        with open(os.path.join(ROOT, entry["metrics"])) as f:
            metrics = json.load(f)
        # a quote may run over a line break of the page's source
        text = " ".join(re.sub(r"\s+", " ", open(os.path.join(ROOT, page), encoding="utf-8").read()) for page in entry["pages"])
        for quote in entry["quotes"]:
            want = re.sub(r"\s+", " ", formatted(quote, metrics))
            tally.check(want in text, f"{' / '.join(entry['pages'])} quotes {' '.join(command)}: {want}",
                        "the page does not say this: update it (or the quote in tools/quoted_numbers.json)")
