"""The chapter registry: tests/graded/NN_topic/chapter.json, the one list of a chapter's exercises."""
import json
import os
import sys
from dataclasses import dataclass

import manifest
from project import ROOT


GRADED_DIR = os.path.join(ROOT, "tests", "graded")


@dataclass


class Chapter:
    name: str           # "01_attention"
    title: str
    exercises: list     # [{"id", "title", "file", "functions"}]

    @property
    def number(self):
        return self.name.split("_", 1)[0]

    def exercise(self, exercise_id):
        return next((e for e in self.exercises if e["id"] == exercise_id), None)

    def exercise_of_function(self, function):
        return next((e for e in self.exercises if function in e["functions"]), None)

    def manifest(self, unseen=False):
        """The chapter's graded tests; with unseen, course mode's UNSEEN_TESTs too (manifest.py)."""
        return [e for e in manifest.load(ROOT, self.name) if unseen or not e.unseen]


def load_chapters():
    chapters = []
    for name in sorted(os.listdir(GRADED_DIR)):
        path = os.path.join(GRADED_DIR, name, "chapter.json")
        if os.path.isfile(path):
            with open(path) as f:
                meta = json.load(f)
            chapters.append(Chapter(meta["chapter"], meta["title"], meta["exercises"]))
    return chapters


def select_chapters(args):
    """'01', '1', '01_attention' or 'attention' -> the chapters; none -> all."""
    chapters = load_chapters()
    if not args:
        return chapters
    chosen = []
    for arg in args:
        wanted = arg.lower()  # LSTM, Lstm and lstm alike
        match = [c for c in chapters if wanted in (c.name, c.number, c.number.lstrip("0"), c.name.split("_", 1)[1])]
        if not match:
            names = ", ".join(c.name for c in chapters)
            print(f"wb: no chapter '{arg}'. Chapters: {names}", file=sys.stderr)
            raise SystemExit(2)  # bad input: one line, exit code 2
        chosen += [c for c in match if c not in chosen]
    return chosen
