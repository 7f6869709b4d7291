"""The PyTorch programs on the chapter pages run (part of ./wb test).

Every ```python block of a chapter's README.md is run with Debian's /usr/bin/python3, in a scratch folder. A
block may name a shorter run for this check in a line of its own, `# A short run: python3 NAME.py ARGS`; the
check passes those ARGS. It must exit 0 and print what PAGE_EXPECTS lists for its chapter: regular expressions
whose groups are checked against the page (a count the page quotes) or against each other (learning happened)."""
import os
import re
import shlex
import subprocess
import tempfile

from project import ROOT
import registry


def blocks(page_text):
    return re.findall(r"^```python\n(.*?)^```", page_text, re.S | re.M)


def short_run_args(code):
    m = re.search(r"^# A short run: python3 \S+\.py(.*)$", code, re.M)
    return shlex.split(m.group(1)) if m else []


def with_commas(n):
    return f"{int(n):,}"


def check_chapter_08(out, page, tally):
    """The parameter counts are the page's (the C++ program's), and the MMD falls from the first epoch to the last."""
    counts = re.search(r"^G (\d+) parameters, D (\d+) parameters$", out, re.M)
    tally.check(counts and with_commas(counts.group(1)) in page and with_commas(counts.group(2)) in page,
                "page 08's PyTorch program builds the page's G and D (the same parameter counts)",
                f"it printed {counts.group(0) if counts else 'no parameter counts'}")
    mmd = [float(x) for x in re.findall(r"MMD ([0-9.]+)", out)]
    tally.check(len(mmd) >= 2 and mmd[-1] < mmd[0], "page 08's PyTorch program trains (its MMD falls)",
                f"MMD per epoch: {mmd}")


def check_chapter_06(out, page, tally):
    accuracy = re.search(r"^test accuracy ([0-9.]+)$", out, re.M)
    tally.check(accuracy and float(accuracy.group(1)) > 0.5,
                "page 06's PyTorch program learns the marked-digit recall (test accuracy above 0.5)",
                f"it printed {out[-300:]!r}")


PAGE_EXPECTS = {"06": check_chapter_06, "08": check_chapter_08}


def check(tally):
    for ch in registry.load_chapters():
        page_path = os.path.join(ROOT, "chapters", ch.name, "README.md")
        page = open(page_path, encoding="utf-8").read()
        for number, code in enumerate(blocks(page), 1):
            args = short_run_args(code)
            name = f"page {ch.number}'s python block {number}" + (f" (python3 ... {' '.join(args)})" if args else "")
            with tempfile.TemporaryDirectory() as scratch:
                script = os.path.join(scratch, f"page_{ch.number}_{number}.py")
                with open(script, "w", encoding="utf-8") as f:
                    f.write(code)
                try:
                    run = subprocess.run(["/usr/bin/python3", script, *args], cwd=scratch, capture_output=True,
                                         text=True, timeout=600)
                except subprocess.TimeoutExpired:
                    tally.check(False, f"{name} runs", "still running after 600 s")
                    continue
            if tally.check(run.returncode == 0, f"{name} runs", (run.stdout + run.stderr)[-800:]):
                if ch.number in PAGE_EXPECTS:
                    PAGE_EXPECTS[ch.number](run.stdout, page, tally)
