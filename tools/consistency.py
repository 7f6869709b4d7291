"""One source of truth per fact, checked by ./wb test.

- The exercises of a chapter: tests/graded/NN_topic/chapter.json (id, title, file, functions).
- Points and hints: GRADED_TEST(...) in the test sources (tools/manifest.py).
Everything that repeats them must agree: every exercise has graded tests and every test an exercise,
each stub file's first line names exactly the exercises that chapter.json puts in it, and the README's
chapter table states each chapter's exercise count and points as the sources do.
Every question page carries the interview layer (page_problems): a 30-second and a 2-minute answer in English
and in Chinese, follow-ups marked [E]/[M]/[H], common wrong answers, a glossary, and the drill that goes with it;
the 30-second answers fit 30 spoken seconds (at most 110 English words, at most 220 Chinese characters).
"""
import json
import os
import re

import registry
from project import ROOT


def exercises_named(first_line):
    """'// Exercises A, B and C. ...' or '// Exercise A. ...' -> ['A', 'B', 'C']."""
    m = re.match(r"//\s*Exercises?\s+(.*?)\.\s", first_line + " ")
    return re.split(r",\s*|\s+and\s+", m.group(1)) if m else []


def check(tally):
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    for ch in registry.load_chapters():
        entries = ch.manifest()
        ids = [e["id"] for e in ch.exercises]
        tested = {e.exercise for e in entries}
        tally.check(set(ids) == tested, f"{ch.name}: every exercise in chapter.json has graded tests and every "
                    "graded test an exercise", f"untested: {sorted(set(ids) - tested)}, unlisted: {sorted(tested - set(ids))}")
        unseen = {e.exercise for e in ch.manifest(unseen=True) if e.unseen}
        tally.check(set(ids) == unseen, f"{ch.name}: every exercise has an unseen-input test (course mode), and each "
                    "unseen-input test an exercise", f"without: {sorted(set(ids) - unseen)}, unlisted: {sorted(unseen - set(ids))}")
        for file in sorted({e["file"] for e in ch.exercises}):
            path = os.path.join(ROOT, "chapters", ch.name, file)
            first = open(path).readline().strip() if os.path.isfile(path) else ""
            listed = [e["id"] for e in ch.exercises if e["file"] == file]
            tally.check(exercises_named(first) == listed, f"chapters/{ch.name}/{file} names its exercises",
                        f"its first line names {exercises_named(first)}, chapter.json puts {listed} there")
        hints_path = os.path.join(ROOT, "tests", "graded", ch.name, "hints.json")
        hints = json.load(open(hints_path)) if os.path.isfile(hints_path) else {}
        tally.check(set(hints) == set(ids) and all(len(h) == 3 and all(s.strip() for s in h) for h in hints.values()),
                    f"{ch.name}: hints.json gives every exercise three hint steps (./wb hint)",
                    f"missing: {sorted(set(ids) - set(hints))}, unknown: {sorted(set(hints) - set(ids))}, "
                    f"not three steps: {sorted(k for k, h in hints.items() if len(h) != 3)}")
        points = sum(e.points for e in entries)
        row = next((l for l in readme.splitlines() if l.startswith("|") and f"(chapters/{ch.name}/README.md)" in l), "")
        m = re.search(r"(\d+) exercises?, (\d+) points", row)
        stated = (int(m.group(1)), int(m.group(2))) if m else None
        tally.check(stated == (len(ids), points), f"README's table states chapter {ch.number}'s size",
                    f"it says {stated}, the sources have {len(ids)} exercises and {points} points")
    check_pages(tally)


# The interview layer of a question page (docs/chapter_guide.md): what must be there, and how it is found.
PAGE_PARTS = [
    ("a 30-second answer in English", r"^## .*\(30 seconds\)"),
    ("a 2-minute answer in English", r"^## .*\(2 minutes\)|^## The task and the two models|^## Measured"),
    ("the Chinese model answer", r"^## Model answer in Chinese"),
    ("a Chinese 30-second answer", r"^\*\*30 秒[：:]"),
    ("a Chinese 2-minute answer", r"^\*\*2 分钟[：:]"),
    ("a glossary", r"^\*\*术语[：:]"),
    ("the follow-up questions", r"^## Follow-up questions"),
    ("common wrong answers", r"^## Common wrong answers"),
    ("a pointer to the drills", r"\./wb drill"),
]


# A 30-second answer must fit 30 spoken seconds (docs/chapter_guide.md).
MAX_WORDS_30S = 110  # English: whitespace-separated tokens, commands and math included
MAX_HANZI_30S = 220  # Chinese: CJK unified ideographs U+4E00-U+9FFF only; punctuation, Latin, digits, math and code not counted


def english_30s_words(text):
    """The whitespace-separated tokens of the section whose heading ends '(30 seconds)', up to the next
    '## ' heading: a command read aloud takes its time too, so commands and math count token by token."""
    m = re.search(r"^## .*\(30 seconds\)[^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    return len(m.group(1).split()) if m else 0


def chinese_30s_hanzi(text):
    """The CJK ideographs (U+4E00-U+9FFF) of the **30 秒：** paragraph, after its label, up to the next
    bold label at a line start (**2 分钟：**) or heading."""
    m = re.search(r"^\*\*30 秒[：:]\*\*(.*?)(?=^\*\*|^#|\Z)", text, re.M | re.S)
    return len(re.findall(r"[\u4e00-\u9fff]", m.group(1))) if m else 0


def page_problems(text):
    """What the interview layer of one page lacks: missing parts, follow-ups without a level, and
    30-second answers too long to say in 30 seconds."""
    problems = [what for what, pattern in PAGE_PARTS if not re.search(pattern, text, re.M)]
    follow = re.search(r"^## Follow-up questions\n(.*?)(?=^## )", text, re.M | re.S)
    for m in re.finditer(r"^### (.*)\n+(.*)", follow.group(1) if follow else "", re.M):
        heading, first = m.group(1), m.group(2)
        if not re.search(r"\[[EMH]\]", heading + " " + first[:12]):
            problems.append(f"the follow-up '{heading}' has no level [E]/[M]/[H]")
    words = english_30s_words(text)
    if words > MAX_WORDS_30S:
        problems.append(f"the English 30-second answer has {words} words (at most {MAX_WORDS_30S})")
    hanzi = chinese_30s_hanzi(text)
    if hanzi > MAX_HANZI_30S:
        problems.append(f"the Chinese 30-second answer has {hanzi} characters (at most {MAX_HANZI_30S})")
    return problems


def check_pages(tally):
    for ch in registry.load_chapters():
        path = os.path.join(ROOT, "chapters", ch.name, "README.md")
        problems = page_problems(open(path).read()) if os.path.isfile(path) else ["the page"]
        tally.check(not problems, f"chapters/{ch.name}/README.md carries the interview layer", "; ".join(problems[:6]))

