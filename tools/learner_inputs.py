"""What of the golden fixtures the learner's process may see: the inputs of a chapter's tests.

A chapter's learner side (tests built with WB_GRADED_RECORD) reads golden tensors only to pass
them to the learner's code; the expected ones are read by the judge alone. Which keys are inputs is a
fact of the test sources: a trusted run of the learner side with the reference linked logs every key
it reads (WB_FIXTURE_LOG), and tests/graded/NN_topic/learner_inputs.json commits the result, so that a
reviewer sees exactly what a student's process is given. ./wb test checks it is current; `./wb inputs`
rewrites it. The grader stages, for each chapter, copies of the fixtures that hold those keys
and nothing else, and only that copy is mounted in the sandbox.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

from project import ROOT

sys.path.insert(0, os.path.join(ROOT, "tools", "fixtures"))
import wbt  # noqa: E402  (the tensor file reader; needs no PyTorch)

FIXTURES = os.path.join(ROOT, "tests", "fixtures")


def plan_path(chapter):
    return os.path.join(ROOT, "tests", "graded", chapter.name, "learner_inputs.json")


def load_plan(chapter):
    """{fixture name: [keys]} as committed; a chapter without the file gives its learner no fixtures."""
    try:
        with open(plan_path(chapter)) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def collect(chapter, record_binary, entries):
    """{fixture name: sorted keys} that the learner side reads, from a trusted run of `record_binary`
    (the reference flavour) over every test in `entries`."""
    keys = {}
    with tempfile.TemporaryDirectory(prefix="wb_inputs_") as tmp:
        log = os.path.join(tmp, "log")
        for e in entries:
            env = {"PATH": "/usr/bin:/bin", "WB_FIXTURE_LOG": log, "WB_FIXTURE_ROOT": FIXTURES, "WB_THREADS": "1"}
            subprocess.run([record_binary, "--wb-run", f"{e.exercise}.{e.test}"], env=env, timeout=120,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if os.path.exists(log):
            for line in open(log):
                path, key = line.rstrip("\n").rsplit(" ", 1)
                name = os.path.splitext(os.path.basename(path))[0]
                keys.setdefault(name, set()).add(key)
    return {name: sorted(k) for name, k in sorted(keys.items())}


def write_plan(chapter, plan):
    with open(plan_path(chapter), "w") as f:
        f.write("{\n" + ",\n".join(f'  "{name}": {json.dumps(keys)}' for name, keys in plan.items()) + "\n}\n")


def read_wbt(path):
    """[(name, raw bytes of that tensor's record)] of a tensor file (framework/serialize.hpp)."""
    return [(name, record) for name, _, record, _ in wbt.records(path)]


def stage(chapter, dest):
    """Writes dest/<chapter>/<fixture>.wbt, one per fixture of the chapter, holding only the planned input
    keys (none for a fixture that holds only expected values); returns dest."""
    folder = os.path.join(dest, chapter.name)
    os.makedirs(folder, exist_ok=True)
    plan = load_plan(chapter)
    source_folder = os.path.join(FIXTURES, chapter.name)
    for file in sorted(os.listdir(source_folder) if os.path.isdir(source_folder) else []):
        name, ext = os.path.splitext(file)
        if ext != ".wbt":
            continue
        source, keys = os.path.join(FIXTURES, chapter.name, file), set(plan.get(name, []))
        kept = [(n, raw) for n, raw in read_wbt(source) if n in keys]
        with open(os.path.join(folder, name + ".wbt"), "wb") as f:
            f.write(b"WBTENSOR" + struct.pack("<II", 1, len(kept)) + b"".join(raw for _, raw in kept))
    return dest
