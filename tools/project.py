"""Where things are, and how the tools talk to the terminal."""
import os
import sys


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
REPORTS = os.path.join(BUILD, "reports")
# tests (and mutants) run at once; ./wb grade-class lowers it for each student it grades alongside others
JOBS = int(os.environ.get("WB_JOBS") or 0) or os.cpu_count() or 2


def colour_enabled():
    return sys.stdout.isatty() and os.environ.get("NO_COLOR") is None


def paint(text, code):
    return f"\x1b[{code}m{text}\x1b[0m" if colour_enabled() else text


def say(text):
    print(paint("wb: ", "36") + text, flush=True)
