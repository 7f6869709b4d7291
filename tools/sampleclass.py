"""A generated class of chapter 01 submissions, each a kind of student a course meets, with what grading must
give it. The self-test grades it with ./wb grade-class and runs the Gradescope autograder and the GitHub
Classroom workflow on some of it (tools/selftest.py).

Every graded submission is the reference with one thing changed, so that what it earns is known exactly."""
import io
import os
import shutil
import tarfile
import zipfile

import learner
import mutants
import registry
from project import ROOT

CHAPTER = "01_attention"
CRASH = "    { volatile int* nowhere = nullptr; *nowhere = 1; }  // sample class: a crash\n"
LOOP = "    for (volatile unsigned long spin = 0;; spin = spin + 1) {}  // sample class: an endless loop\n"


def points_by_exercise():
    chapter = registry.select_chapters([CHAPTER])[0]
    points = {}
    for e in chapter.manifest():
        points[e.exercise] = points.get(e.exercise, 0) + e.points
    return points


def reference_files():
    folder = os.path.join(ROOT, "solutions", CHAPTER)
    return {name: open(os.path.join(folder, name)).read() for name in sorted(os.listdir(folder)) if name.endswith(".cpp")}


def stub_files():
    """The pristine stubs, found as ./wb reset finds them: a handout's .stubs/, or the newest commit in which the
    file is still a stub."""
    chapter = registry.select_chapters([CHAPTER])[0]
    files = {}
    for name in reference_files():
        functions = [f for ex in chapter.exercises if ex["file"] == name for f in ex["functions"]]
        files[name] = learner.stub_from_handout(chapter, name) or learner.stub_from_git(chapter, name, functions)
    return files


def first_body(text, signature):
    """text with `insert` placed at the start of the function whose definition starts with `signature`."""
    at = text.index(signature)
    brace = text.index("{\n", at) + 2
    return lambda insert: text[:brace] + insert + text[brace:]


def crash_files():
    """The reference with a null-pointer write at the start of sinusoidal_positions (PositionalEncoding)."""
    ref = reference_files()
    return dict(ref, **{"positional.cpp": first_body(ref["positional.cpp"], "Tensor sinusoidal_positions(")(CRASH)})


def as_folder(dest, name, files, top=None):
    base = os.path.join(dest, name, *( [top] if top else []), "chapters", CHAPTER)
    os.makedirs(base)
    for file, text in files.items():
        with open(os.path.join(base, file), "w") as f:
            f.write(text)


def as_zip(dest, name, files, top=None, extra=()):
    """extra: (member name, bytes, unix mode) entries added as they are, for the hostile archives."""
    with zipfile.ZipFile(os.path.join(dest, name + ".zip"), "w") as z:
        for file, text in files.items():
            z.writestr(f"{top + '/' if top else ''}chapters/{CHAPTER}/{file}", text)
        for member, data, mode in extra:
            info = zipfile.ZipInfo(member)
            info.external_attr = mode << 16
            z.writestr(info, data)


def as_tar(dest, name, files, links=()):
    with tarfile.open(os.path.join(dest, name + ".tar.gz"), "w:gz") as t:
        for file, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"chapters/{CHAPTER}/{file}")
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        for member, target in links:
            info = tarfile.TarInfo(member)
            info.type, info.linkname = tarfile.SYMTYPE, target
            t.addfile(info)


def make_sample_class(dest):
    """Writes the submissions into dest; returns {student: what grading must give}: 'total' (exact points),
    'zero' (exercises that must earn 0), 'full' (exercises that must earn all their points), 'note' (words the
    gradebook's note must hold) or 'refused' (words of the refusal)."""
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    points = points_by_exercise()
    everything = sum(points.values())
    ref = reference_files()
    expect = {}

    as_zip(dest, "correct", ref, top="correct")  # zipped with its folder, as most people zip
    expect["correct"] = {"total": everything}

    as_tar(dest, "stubs", stub_files())
    expect["stubs"] = {"total": 0}

    broken = dict(ref, **{"scores.cpp": ref["scores.cpp"] + "\nthis is not C++;\n"})
    as_folder(dest, "compile_error", broken)
    # one file that does not compile costs its own exercise (and what calls it), not the chapter
    expect["compile_error"] = {"zero": ["Scores", "AttentionForward"], "full": ["Softmax", "MaskedSoftmax", "PositionalEncoding"],
                               "note": "does not compile"}

    as_zip(dest, "crash", crash_files())
    expect["crash"] = {"zero": ["PositionalEncoding"], "full": ["Softmax", "MultiHeadBackward"],
                       "total": everything - points["PositionalEncoding"], "note": "crashed: PositionalEncoding"}

    loop = dict(ref, **{"positional.cpp": first_body(ref["positional.cpp"], "Tensor sinusoidal_positions(")(LOOP)})
    as_tar(dest, "endless_loop", loop)
    expect["endless_loop"] = {"zero": ["PositionalEncoding"], "full": ["Softmax", "AttentionBackward"],
                              "total": everything - points["PositionalEncoding"], "note": "timed out: PositionalEncoding"}

    mutant = next(m for m in mutants.load_mutants(CHAPTER) if m.path.endswith("masked_softmax_nan_row.mutant"))
    as_folder(dest, "mutant", dict(ref, **{mutant.file: mutants.apply_mutant(mutant)}), top="mutant")
    expect["mutant"] = {"full": ["Softmax", "Scores", "PositionalEncoding"], "below": everything}

    # A lookup table of the handout's fixed cases in place of softmax and masked_softmax: course mode's unseen
    # inputs miss it, so both exercises earn nothing (the rest, which does not call them, keeps its points).
    table = open(os.path.join(ROOT, "tests", "attacks", "lookup_table_of_fixed_cases.cpp")).read()
    as_zip(dest, "table", dict(ref, **{"softmax.cpp": table}))
    expect["table"] = {"zero": ["Softmax", "MaskedSoftmax"], "full": ["Scores", "PositionalEncoding"]}

    forged = open(os.path.join(ROOT, "tests", "attacks", "forge_result_record.cpp")).read()
    as_zip(dest, "forger", dict(ref, **{"softmax.cpp": forged}))
    expect["forger"] = {"total": 0, "note": "rejected"}

    as_zip(dest, "escaper", ref, extra=[("../../outside.cpp", b"int x;\n", 0o100644)])
    expect["escaper"] = {"refused": "leaves the archive's folder"}

    as_tar(dest, "linker", {}, links=[(f"chapters/{CHAPTER}/softmax.cpp", f"{ROOT}/solutions/{CHAPTER}/softmax.cpp")])
    expect["linker"] = {"refused": "is a link"}

    as_zip(dest, "extra_files", ref, extra=[("notes/todo.txt", b"later\n", 0o100644)])
    expect["extra_files"] = {"refused": "outside chapters/"}
    # A folder name longer than the file system allows (it once ended the whole class in a traceback).
    as_zip(dest, "long_name", ref, extra=[(f"chapters/{CHAPTER}/{'x' * 300}/softmax.cpp", b"int x;\n", 0o100644)])
    expect["long_name"] = {"refused": "could not be unpacked"}
    # Names that would run as a spreadsheet formula, or forge a line of summary.md and of the terminal.
    as_zip(dest, "formula", ref, extra=[("=HYPERLINK(\"http://x\")", b"\n", 0o100644)])
    expect["formula"] = {"refused": "outside chapters/"}
    as_zip(dest, "newline", ref, extra=[("a\n- correct: graded: 100\n", b"\n", 0o100644)])
    expect["newline"] = {"refused": "outside chapters/"}
    return expect


def check_row(row, want, points):
    """Problems of one gradebook row ({'status', 'total', 'note', 'points': {exercise: earned}}) against
    what make_sample_class expects of it; an empty list when it is right."""
    problems = []
    if "refused" in want:
        if row["status"] != "refused" or want["refused"] not in row["note"]:
            problems.append(f"expected refused ({want['refused']}), got {row['status']}: {row['note']}")
        return problems
    if row["status"] != "graded":
        return [f"expected graded, got {row['status']}: {row['note']}"]
    if "total" in want and row["total"] != want["total"]:
        problems.append(f"total {row['total']}, expected {want['total']}")
    if "below" in want and not row["total"] < want["below"]:
        problems.append(f"total {row['total']}, expected less than {want['below']}")
    problems += [f"{e} earned {row['points'][e]}, expected 0" for e in want.get("zero", []) if row["points"][e] != 0]
    problems += [f"{e} earned {row['points'][e]}, expected {points[e]}" for e in want.get("full", [])
                 if row["points"][e] != points[e]]
    if "note" in want and want["note"] not in row["note"]:
        problems.append(f"note {row['note']!r} lacks {want['note']!r}")
    return problems
