"""The graded tests of a chapter, read from the test sources: the one list the grader trusts.

Points, hints and the test list come from `GRADED_TEST(Exercise, Name, points, "hint")` in
tests/graded/NN_topic/*.cpp, never from a binary that links the learner's code (that binary could
print any list it likes). The tests of a *_hidden_test.cpp file are hidden: graded like the others,
left out of handouts, and reported with Gradescope's visibility "after_due_date". A test whose body expects a ShapeError is an error-path test: its points
count only once every valid-path test of the same exercise passes (see grader.hold_error_path_points).
An `UNSEEN_TEST(Exercise, Name)` runs in course mode only, on inputs drawn for each run and matched against
the reference's values: it has no points, and its exercise's points count once it passes (grader.hold_unseen_points).
"""
import os
import re
from dataclasses import dataclass

_HEAD = re.compile(r'\bGRADED_TEST\(\s*(\w+)\s*,\s*(\w+)\s*,\s*(?:/\*.*?\*/\s*)?(\d+)\s*,\s*')
_UNSEEN = re.compile(r'\bUNSEEN_TEST\(\s*(\w+)\s*,\s*(\w+)\s*\)')
# The hint of every UNSEEN_TEST: WB_UNSEEN_HINT in tests/harness/graded.hpp, word for word.
UNSEEN_HINT = ("Inputs drawn afresh for each course run, matched against the reference: your code must work "
               "beyond the handout's fixed cases.")
_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"\s*')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'", "?": "?"}
_CHECK = re.compile(r"\b(?:EXPECT|ASSERT)_[A-Z_]+\b")


def _is_error_path(body):
    """Only rejected-input checks (EXPECT_SHAPE_ERROR) and no check of a valid result."""
    checks = set(_CHECK.findall(body))
    return checks == {"EXPECT_SHAPE_ERROR"}


@dataclass
class ManifestEntry:
    exercise: str
    test: str
    points: int
    hint: str
    error_path: bool  # the body checks a rejected input: points held until the valid path works
    source: str       # tests/graded/NN_topic/file.cpp
    visibility: str = "visible"  # Gradescope's: "after_due_date" for a hidden test
    unseen: bool = False         # an UNSEEN_TEST: course mode only, no points, gates its exercise's points


class ManifestError(Exception):
    pass


def _unescape(literal):
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), literal)


def _body(text, start):
    """The text of the braced body that begins at or after `start` (strings and comments skipped)."""
    open_at = text.index("{", start)
    depth, i = 0, open_at
    while i < len(text):
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j
        elif text.startswith("//", i):
            i = text.find("\n", i)
            if i < 0:
                break
        elif text.startswith("/*", i):
            i = text.find("*/", i) + 1
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[open_at:i + 1]
        i += 1
    raise ManifestError("a GRADED_TEST body has no closing brace")


HIDDEN_SUFFIX = "_hidden_test.cpp"
HIDDEN_VISIBILITY = "after_due_date"  # Gradescope shows the test to the student after the due date


def visibility_of(rel):
    return HIDDEN_VISIBILITY if rel.endswith(HIDDEN_SUFFIX) else "visible"


def parse_source(path, rel):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    entries = []
    for m in _UNSEEN.finditer(text):
        entries.append((m.start(), ManifestEntry(m.group(1), m.group(2), 0, UNSEEN_HINT, False, rel,
                                                 visibility_of(rel), unseen=True)))
    for m in _HEAD.finditer(text):
        pos, parts = m.end(), []
        while True:
            s = _STRING.match(text, pos)
            if not s:
                break
            parts.append(_unescape(s.group(1)))
            pos = s.end()
        if not parts or not text.startswith(")", pos):
            line = text.count("\n", 0, m.start()) + 1
            raise ManifestError(f"{rel}:{line}: GRADED_TEST's hint must be one or more string literals")
        body = _body(text, pos)
        entries.append((m.start(), ManifestEntry(m.group(1), m.group(2), int(m.group(3)), "".join(parts),
                                                 _is_error_path(body), rel, visibility_of(rel))))
    return [e for _, e in sorted(entries, key=lambda pair: pair[0])]


def load(root, chapter):
    """Every graded test of a chapter, in file order then source order."""
    folder = os.path.join(root, "tests", "graded", chapter)
    entries = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".cpp"):
            entries += parse_source(os.path.join(folder, name), f"tests/graded/{chapter}/{name}")
    seen = set()
    for e in entries:
        key = (e.exercise, e.test)
        if key in seen:
            raise ManifestError(f"{e.source}: {e.exercise}.{e.test} is defined twice")
        seen.add(key)
    return entries
