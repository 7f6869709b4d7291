"""./wb handout DIR: the students' copy of the workbook.

It is the committed tree (git HEAD) without what only the teacher needs: solutions/, the mutants, the
grader's attack files, the benchmarks (which time the reference) and every hidden test
(tests/graded/*/*_hidden_test.cpp). It adds .stubs/, the pristine exercise files that ./wb reset puts
back, and HANDOUT.json, which tells ./wb it runs in a handout (./wb test then checks what a student's copy
can: the build, the framework tests, the stubs, the docs). The README's chapter table is rewritten to
the points of the visible tests. The handout builds and grades with the same two commands as the
workbook."""
import datetime
import json
import os
import re
import shutil
import subprocess

import manifest
from project import ROOT, say

MARKER = "HANDOUT.json"
LEFT_OUT = ["solutions", "tests/mutants", "tests/attacks", "bench"]


def info(root=ROOT):
    """The handout's marker, or None in the workbook itself."""
    try:
        with open(os.path.join(root, MARKER)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def require_workbook(what):
    if info() is not None:
        raise SystemExit(f"wb: this is a student handout: {what} needs the teacher's workbook (solutions/ is not here)")


def visible_points(root, chapter):
    return sum(e.points for e in manifest.load(root, chapter) if e.visibility == "visible")


def student_copy(dest, keep_hidden=False, keep_solutions=False):
    """The committed tree in dest, without what students must not see (hidden tests and solutions/ too, unless
    keep_hidden and keep_solutions: the Gradescope autograder's copy, which students never see, keeps them,
    the reference to compute the unseen inputs' expected values). Returns (commit, hidden tests)."""
    os.makedirs(dest, exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", dest], input=archive.stdout, check=True)

    for part in LEFT_OUT:
        if not (keep_solutions and part == "solutions"):
            shutil.rmtree(os.path.join(dest, part), ignore_errors=True)
    hidden = []
    graded = os.path.join(dest, "tests", "graded")
    for chapter in sorted(os.listdir(graded)):
        for name in sorted(os.listdir(os.path.join(graded, chapter))):
            if name.endswith(manifest.HIDDEN_SUFFIX):
                hidden += [f"{chapter}/{e.exercise}.{e.test}"
                           for e in manifest.parse_source(os.path.join(graded, chapter, name), name)]
                if not keep_hidden:
                    os.remove(os.path.join(graded, chapter, name))

    # the pristine exercise files, for ./wb reset
    for chapter in sorted(os.listdir(os.path.join(dest, "chapters"))):
        source = os.path.join(dest, "chapters", chapter)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(dest, ".stubs", chapter), ignore=shutil.ignore_patterns("*.hpp", "*.md"))
    return commit, hidden


def cmd_handout(args):
    require_workbook("./wb handout")
    dest = os.path.abspath(args.dir)
    if os.path.exists(dest) and os.listdir(dest):
        raise SystemExit(f"wb: {dest} exists and is not empty; give a new folder")
    if dest == ROOT or dest.startswith(ROOT + os.sep):
        raise SystemExit("wb: put the handout outside the workbook")
    commit, hidden = student_copy(dest)
    graded = os.path.join(dest, "tests", "graded")

    # GitHub Classroom: the workflow that grades each push and reports the points (docs/teaching.md)
    os.makedirs(os.path.join(dest, ".github", "workflows"))
    shutil.copyfile(os.path.join(ROOT, "tools", "courses", "classroom.yml"),
                    os.path.join(dest, ".github", "workflows", "classroom.yml"))

    # the README's chapter table states the points the student's tests can give
    readme = os.path.join(dest, "README.md")
    with open(readme) as f:
        text = f.read()
    for chapter in sorted(os.listdir(graded)):
        points = visible_points(dest, chapter)
        text = re.sub(rf"(\(chapters/{chapter}/README\.md\)[^\n]*?\d+ exercises?, )\d+( points)",
                      lambda m: f"{m.group(1)}{points}{m.group(2)}", text)
    with open(readme, "w") as f:
        f.write(text)

    with open(os.path.join(dest, MARKER), "w") as f:
        json.dump({"handout": True, "from_commit": commit,
                   "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                   "left_out": LEFT_OUT + ["tests/graded/*/*" + manifest.HIDDEN_SUFFIX],
                   "hidden_tests_left_out": hidden}, f, indent=1)
        f.write("\n")
    say(f"handout written to {dest} (from {commit[:12]}): no solutions, mutants, attacks or benchmarks, "
        f"{len(hidden)} hidden test{'s' if len(hidden) != 1 else ''} left out; .github/workflows/classroom.yml "
        "grades each push for GitHub Classroom")
    say("students run the same two commands there: ./wb grade, and ./wb test")
    return 0
