"""The grader under attack (part of ./wb test).

Each tests/attacks/*.cpp is a learner's chapters/01_attention/softmax.cpp written to get points without
solving anything, or to break the grader. Its header says what grading must give:
    // expect: rejected             statuses every chapter 01 test may have (always 0 points)
    // unchecked: not_attempted     the same, graded once more without the object check: the sandbox
                                    and the verdict checks must hold on their own
    // absent: root: FLT_MAX        words the report (results.json, messages, the compile error) must not show
    // unseen: yes                  graded as course mode grades: with the unseen-input tests (the table attack)
    // earns-without-unseen: yes    and graded without them it must earn points: what stops it is the unseen inputs
Every attack must also leave a complete report (all 62 points listed, valid JSON and XML, printable text),
no process behind, and the harness, the goldens and the reference untouched.
"""
import json
import os
import re
import shutil
import time
import xml.etree.ElementTree as ET

import build
import grader
import project
import registry
import reports
import sandbox
from project import ROOT

ATTACKS = os.path.join(ROOT, "tests", "attacks")
BUILD = os.path.join(ROOT, "build-attacks")
CHAPTER = "01_attention"
TARGET_FILE = "softmax.cpp"
TIMEOUT = 3.0         # seconds per test
COMPILE_CPU_SECONDS = 15  # CPU seconds per compile of the learner's file (include_bomb.cpp), not wall time
PROTECTED = ["tests/harness", "tests/fixtures", "solutions/01_attention", "tools"]


def parse(path):
    header = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"//\s*(attack|expect|unchecked|absent|unseen|earns-without-unseen):\s*(.*)", line, re.I)
            if m:
                header[m.group(1).lower()] = m.group(2).strip()
    return header.get("attack", os.path.basename(path)), set(header.get("expect", "").split()), \
        set(header.get("unchecked", "").split()), header.get("absent", "").split(), \
        header.get("unseen") == "yes", header.get("earns-without-unseen") == "yes"


def protected_files():
    """{path: bytes} of everything an attack must not change (small: sources, goldens, tools)."""
    files = {}
    for top in PROTECTED:
        for folder, _, names in os.walk(os.path.join(ROOT, top)):
            for name in names:
                if "__pycache__" not in folder:
                    with open(os.path.join(folder, name), "rb") as f:
                        files[os.path.join(folder, name)] = f.read()
    return files


def restore(snapshot):
    for path, data in snapshot.items():
        with open(path, "wb") as f:
            f.write(data)


def survivors():
    """Processes whose program lives in build-attacks/ (a test's children that outlived it) or that
    run in it (a compiler left behind by a stopped build)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if (os.readlink(f"/proc/{pid}/exe").startswith(BUILD + "/")
                    or (os.readlink(f"/proc/{pid}/cwd") + "/").startswith(BUILD + "/")):
                found.append(pid)
        except OSError:
            pass
    return found


def report_problems(report_dir, expected_tests, expected_points):
    try:
        with open(os.path.join(report_dir, "results.json"), encoding="utf-8") as f:
            text = f.read()
        report = json.loads(text)
        ET.parse(os.path.join(report_dir, "junit.xml"))
    except (OSError, ValueError, ET.ParseError) as e:
        return f"the reports are missing or invalid: {e}"
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text) or "\\u001b" in text or "\\u0007" in text:
        return "results.json carries control characters"
    total = sum(t["max_score"] for t in report["tests"])
    if len(report["tests"]) != expected_tests or total != expected_points or report["score"] != 0:
        return f"results.json lists {len(report['tests'])} tests worth {total} and scores {report['score']}"
    return ""


def run(tally):
    """Each attack is built once and graded at every containment level this machine has ("none" only
    where there is no other)."""
    levels = [l for l in sandbox.available() if l != "none"] or ["none"]
    print(f"  containment levels here: {', '.join(sandbox.describe(l) for l in levels)}")
    chapter = registry.select_chapters([CHAPTER])[0]
    stage = build.committed_chapters_build(BUILD, BUILD)
    before = protected_files()
    saved_limit, build.LEARNER_COMPILE_CPU_SECONDS = build.LEARNER_COMPILE_CPU_SECONDS, COMPILE_CPU_SECONDS
    try:
        for path in sorted(f for f in os.listdir(ATTACKS) if f.endswith(".cpp")):
            shutil.copyfile(os.path.join(ATTACKS, path), os.path.join(stage, CHAPTER, TARGET_FILE))
            for level in levels:
                attack_once(tally, chapter, path, level, before)
    finally:
        build.LEARNER_COMPILE_CPU_SECONDS = saved_limit


def attack_once(tally, chapter, path, level, before):
    what, expect, unchecked, absent, unseen, earns_without = parse(os.path.join(ATTACKS, path))
    entries = chapter.manifest(unseen=unseen)
    points = sum(e.points for e in entries)
    report_dir = os.path.join(BUILD, "reports")
    name = f"attack {path} ({level})"
    marker = os.path.join(BUILD, "grandchild-was-here")
    if os.path.exists(marker):
        os.remove(marker)
    reports.remove_reports(report_dir)
    start = time.monotonic()
    results = grader.grade_chapters([chapter], "learner", TIMEOUT, show=False, build_dir=BUILD, level=level,
                                    unseen=unseen)
    reports.write_reports(results, report_dir, time.monotonic() - start)
    with open(os.path.join(report_dir, "results.json"), "rb") as f:
        written = f.read()
    cr = results[0]
    statuses = {t.status for t in cr.tests}
    problems = []
    # a file that does not compile is replaced by its stub and the rest graded: the other exercises' stubs show
    allowed = expect | ({"not_attempted"} if "compile_error" in expect else set())
    if cr.score != 0 or not statuses <= allowed or (statuses == {"not_attempted"} and "not_attempted" not in expect):
        problems.append(f"scored {cr.score}/{cr.max_score} with statuses {sorted(statuses)}, expected {sorted(expect)}")
    problems.append(report_problems(report_dir, len(entries), points))
    shown = (written.decode("utf-8", "replace") + "\n".join(t.message for t in cr.tests) + cr.compile_error
             + cr.partial_compile_error)
    problems += [f"the report quotes {word!r}, which it must never show" for word in absent if word in shown]
    if earns_without:  # the same binary on the handout's fixed cases only: the attack does earn points there
        fixed = grader.grade_binary(build.graded_binary(chapter, "learner", BUILD), chapter, TIMEOUT, project.JOBS, level)
        if sum(t.score for t in fixed) == 0:
            problems.append("it earns nothing even without the unseen inputs: it proves nothing about them")
    deep_statuses = set()
    if unchecked:  # the same binary once more, without the object check: the next layers must hold
        deeper = grader.grade_binary(build.graded_binary(chapter, "learner", BUILD), chapter, TIMEOUT, project.JOBS, level)
        deep_statuses = {t.status for t in deeper}
        if sum(t.score for t in deeper) != 0 or not deep_statuses <= unchecked:
            problems.append(f"without the object check it scored {sum(t.score for t in deeper)} with statuses "
                            f"{sorted(deep_statuses)}, expected {sorted(unchecked)}")
    time.sleep(0.3)  # a detached child would act now
    left = survivors()
    if left:
        problems.append(f"{len(left)} of its processes outlived grading")
        for pid in left:
            try:
                os.kill(int(pid), 9)
            except OSError:
                pass
    if os.path.exists(marker):
        problems.append("a process it started wrote into the build tree")
    if open(os.path.join(report_dir, "results.json"), "rb").read() != written:
        problems.append("results.json changed after the grader wrote it")
    if protected_files() != before:
        problems.append("the harness, the goldens, the reference or the tools changed")
        restore(before)
    problems = [p for p in problems if p]
    if tally.check(not problems, name, "; ".join(problems) + f" ({what})"):
        print(f"  {project.paint('ok', '32')}   {path:<40} {level:<5} {', '.join(sorted(statuses))}"
              + (f"; unchecked: {', '.join(sorted(deep_statuses))}" if unchecked else ""), flush=True)
