"""Mutants: common mistakes kept as exact find/replace edits of a reference file (tests/mutants/NN_topic/*.mutant).
Each must make at least one graded test of its exercise fail (on the handout's fixed inputs: self-study
catches it too), and every unseen-input test (course mode) must catch at least one mutant of its exercise."""
import os
from dataclasses import dataclass

import build
import grader
from project import BUILD, JOBS, ROOT, paint, say


@dataclass


class Mutant:
    path: str
    chapter: str
    exercise: str
    file: str
    description: str
    edits: list  # [(find, replace)]


def load_mutants(chapter):
    folder = os.path.join(ROOT, "tests", "mutants", chapter)
    mutants = []
    if not os.path.isdir(folder):
        return mutants
    for name in sorted(os.listdir(folder)):
        if name.endswith(".mutant"):
            mutants.append(parse_mutant(os.path.join(folder, name), chapter))
    return mutants


def parse_mutant(path, chapter):
    """Format: '# description' lines, 'exercise: X', 'file: y.cpp', then blocks
    '--- find' / '--- replace' / '--- end' holding exact text of the reference file."""
    header, edits, mode, find, replace = {}, [], None, [], []
    description = []
    with open(path) as f:
        for line in f.read().splitlines():
            if line.startswith("--- "):
                marker = line[4:].strip()
                if marker == "find":
                    mode, find, replace = "find", [], []
                elif marker == "replace":
                    mode = "replace"
                elif marker == "end":
                    edits.append(("\n".join(find), "\n".join(replace)))
                    mode = None
                continue
            if mode == "find":
                find.append(line)
            elif mode == "replace":
                replace.append(line)
            elif line.startswith("#"):
                description.append(line.lstrip("# ").strip())
            elif ":" in line:
                key, value = line.split(":", 1)
                header[key.strip()] = value.strip()
    if not edits or "exercise" not in header or "file" not in header:
        raise SystemExit(f"wb: {path}: a mutant needs 'exercise:', 'file:' and at least one find/replace block")
    return Mutant(path, chapter, header["exercise"], header["file"], " ".join(description), edits)


def apply_mutant(mutant):
    """The reference file's text with the mutant's edits; each find must match exactly once."""
    source = os.path.join(ROOT, "solutions", mutant.chapter, mutant.file)
    with open(source) as f:
        text = f.read()
    for find, replace in mutant.edits:
        count = text.count(find)
        if count != 1:
            raise ValueError(f"{os.path.relpath(mutant.path, ROOT)}: its find block occurs {count} times in "
                             f"solutions/{mutant.chapter}/{mutant.file} (must be exactly once): update the mutant")
        text = text.replace(find, replace)
    return text


def run_mutants(chapters, tally):
    for ch in chapters:
        mutants = load_mutants(ch.name)
        # unseen-input tests on inputs of a fixed secret, the reference's values from its own binary
        build.build([f"graded_{ch.name}_reference"])
        unseen = grader.Unseen("mutants", build.graded_binary(ch, "reference"))
        unseen_caught = {(e.exercise, e.test): 0 for e in ch.manifest(unseen=True) if e.unseen}
        say(f"mutants of chapter {ch.name}: {len(mutants)}")
        for ex in ch.exercises:
            count = sum(1 for m in mutants if m.exercise == ex["id"])
            tally.check(count >= 2, f"{ch.name} {ex['id']} has at least two mutants", f"it has {count}")
        by_file = {}
        for m in mutants:
            by_file.setdefault(m.file, []).append(m)
        for file, group in sorted(by_file.items()):
            stem = os.path.splitext(file)[0]
            target = f"mutant_{ch.name}_{stem}"
            mutant_src = os.path.join(BUILD, "mutants", ch.name, file)
            reference = open(os.path.join(ROOT, "solutions", ch.name, file)).read()
            try:
                for m in group:
                    name = f"mutant {os.path.relpath(m.path, ROOT)}"
                    if ch.exercise(m.exercise) is None:
                        tally.check(False, name, f"names exercise {m.exercise}, which chapter.json does not list")
                        continue
                    try:
                        text = apply_mutant(m)
                    except ValueError as e:
                        tally.check(False, name, str(e))
                        continue
                    with open(mutant_src, "w") as f:
                        f.write(text)
                    ok, output = build.build([target])
                    if not ok:
                        tally.check(False, name, "does not compile: " + build.first_compiler_error(output))
                        continue
                    results = grader.grade_binary(os.path.join(BUILD, "tests", target), ch, 10.0, JOBS,
                                                  only_exercise=m.exercise, unseen=unseen)
                    for r in results:
                        if r.unseen and r.status != "passed":
                            unseen_caught[(r.exercise, r.test)] += 1
                    # held: only because another failed
                    caught = [r.test for r in results if r.status not in ("passed", "held") and not r.unseen]
                    if tally.check(bool(results) and bool(caught), name,
                                   f"every {m.exercise} test passed: the tests miss this mistake ({m.description})"):
                        print(f"  {paint('ok', '32')}   {os.path.basename(m.path):<40} caught by {', '.join(caught[:3])}",
                              flush=True)
            finally:
                with open(mutant_src, "w") as f:
                    f.write(reference)
        for (exercise, test), count in sorted(unseen_caught.items()):
            tally.check(count > 0, f"unseen-input test {ch.name} {exercise}.{test} catches a mutant",
                        f"none of the {exercise} mutants fails it: it checks too little")
