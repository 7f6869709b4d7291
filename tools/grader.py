"""Grading: runs each graded test in its own process, builds the scoreboard and the reports.

A graded binary (tests/harness/graded_main.cpp) lists its tests with --wb-manifest and, with
WB_RESULT_FILE set, appends one JSON line per finished test. No line means the process died:
"crashed"; killed after the timeout: "timed out". Statuses:
passed, failed, not_attempted (a stub threw wb::NotImplemented), crashed, timed_out, compile_error.
"""
import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRADED_DIR = os.path.join(ROOT, "tests", "graded")

STATUS_LABEL = {
    "passed": "passed", "failed": "failed", "not_attempted": "not attempted", "crashed": "crashed",
    "timed_out": "timed out", "compile_error": "does not compile",
}


def colour_enabled():
    return sys.stdout.isatty() and os.environ.get("NO_COLOR") is None


def paint(text, code):
    return f"\x1b[{code}m{text}\x1b[0m" if colour_enabled() else text


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


@dataclass
class TestResult:
    chapter: str
    exercise: str
    test: str
    points: int
    hint: str
    status: str = "failed"
    message: str = ""
    stub: str = ""

    @property
    def score(self):
        return self.points if self.status == "passed" else 0


@dataclass
class ChapterResult:
    chapter: Chapter
    tests: list = field(default_factory=list)
    compile_error: str = ""

    @property
    def score(self):
        return sum(t.score for t in self.tests)

    @property
    def max_score(self):
        return sum(t.points for t in self.tests)


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
        match = [c for c in chapters if arg in (c.name, c.number, c.number.lstrip("0"), c.name.split("_", 1)[1])]
        if not match:
            names = ", ".join(c.name for c in chapters)
            raise SystemExit(f"wb: no chapter '{arg}'. Chapters: {names}")
        chosen += [c for c in match if c not in chosen]
    return chosen


def first_compiler_error(output):
    """The first 'file:line:col: error:' of a build log, with the source line and caret after it."""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if re.search(r":\d+:\d+: (fatal )?error:", line) or re.search(r"undefined reference to", line):
            text = line.replace(ROOT + "/", "")
            context = [l for l in lines[i + 1:i + 3] if l.strip() and "error:" not in l and not l.startswith("[")]
            return "\n".join([text] + context)
    tail = [l for l in lines if l.strip()][-5:]
    return "\n".join(tail) if tail else "the build failed without a compiler message"


def read_manifest(binary):
    out = subprocess.run([binary, "--wb-manifest"], capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"{binary} --wb-manifest failed: {out.stderr.strip()}")
    return json.loads(out.stdout)


def signal_name(returncode):
    if returncode < 0:
        try:
            return signal.Signals(-returncode).name
        except ValueError:
            return f"signal {-returncode}"
    return f"exit code {returncode}"


def run_one(binary, chapter, entry, timeout):
    """Runs one graded test in its own process; returns a TestResult."""
    result = TestResult(chapter.name, entry["exercise"], entry["test"], entry["points"], entry["hint"])
    fd, result_file = tempfile.mkstemp(prefix="wb_result_", suffix=".jsonl")
    os.close(fd)
    try:
        env = dict(os.environ, WB_RESULT_FILE=result_file, GTEST_COLOR="no")
        cmd = [binary, f"--gtest_filter={entry['exercise']}.{entry['test']}", "--gtest_brief=1"]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                                  errors="replace", start_new_session=True)
        except subprocess.TimeoutExpired:
            result.status = "timed_out"
            result.message = f"still running after {timeout:g} s: look for a loop that never ends"
            return result
        with open(result_file) as f:
            lines = [l for l in f.read().splitlines() if l.strip()]
        if not lines:
            result.status = "crashed"
            tail = [l for l in (proc.stderr + proc.stdout).splitlines() if l.strip()][-3:]
            result.message = f"the test process died ({signal_name(proc.returncode)})" + (
                ": " + " | ".join(tail) if tail else "") + "; out-of-range index or null pointer?"
            return result
        record = json.loads(lines[-1])
        result.status = record["status"]
        result.message = record["message"].replace(ROOT + "/", "")
        result.stub = record["stub"]
        return result
    finally:
        os.unlink(result_file)


def run_binary(binary, chapter, timeout, jobs, only_exercise=None):
    entries = read_manifest(binary)
    if only_exercise:
        entries = [e for e in entries if e["exercise"] == only_exercise]
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda e: run_one(binary, chapter, e, timeout), entries))


def compile_error_results(chapter, manifest, error):
    return [TestResult(chapter.name, e["exercise"], e["test"], e["points"], e["hint"], "compile_error",
                       "does not compile: " + error.splitlines()[0]) for e in manifest]


# ---------------------------------------------------------------- the scoreboard

def owner_of(function, chapter):
    """'MaskedSoftmax' for a function of this chapter, 'chapter 04 Conv2dIm2col' for another's."""
    for other in [chapter] + [c for c in load_chapters() if c.name != chapter.name]:
        exercise = other.exercise_of_function(function)
        if exercise:
            return exercise["id"] if other.name == chapter.name else f"chapter {other.number} {exercise['id']}"
    return function


def exercise_state(chapter, exercise, tests):
    """(label, detail) of one exercise from its tests."""
    earned = sum(t.score for t in tests)
    possible = sum(t.points for t in tests)
    statuses = {t.status for t in tests}
    if statuses == {"passed"}:
        return "done", ""
    if statuses == {"not_attempted"}:
        stubs = sorted({t.stub for t in tests})
        own = [s for s in stubs if s in exercise["functions"]]
        if own:
            return "todo", ""
        return "blocked", f"needs {owner_of(stubs[0], chapter)} first ({stubs[0]} is still a stub)"
    if statuses == {"compile_error"}:
        return "compile", ""
    return "partial" if earned > 0 else "failing", ""


def print_scoreboard(results, flavour):
    total = sum(r.score for r in results)
    possible = sum(r.max_score for r in results)
    print()
    for cr in results:
        ch = cr.chapter
        head = f"Chapter {ch.number} · {ch.title}"
        print(paint(f"{head:<60} {cr.score:>3} / {cr.max_score} points", "1"))
        if cr.compile_error:
            print(paint("  ✘ does not compile (no points for this chapter until it does):", "31"))
            for line in cr.compile_error.splitlines():
                print("      " + line)
        next_up, blocked_by = None, ""
        for ex in ch.exercises:
            tests = [t for t in cr.tests if t.exercise == ex["id"]]
            if not tests:
                continue
            earned, possible_ex = sum(t.score for t in tests), sum(t.points for t in tests)
            state, detail = exercise_state(ch, ex, tests)
            mark = {"done": paint("✔", "32"), "todo": paint("·", "2"), "blocked": paint("·", "2"),
                    "compile": paint("✘", "31")}.get(state, paint("✘", "31"))
            note = {"todo": "not attempted", "blocked": detail, "compile": "does not compile"}.get(state, "")
            print(f"  {mark} {ex['id']:<20} {ex['title']:<44} {earned:>2}/{possible_ex:<2} {paint(note, '2')}")
            if state in ("partial", "failing"):
                stubbed = [t for t in tests if t.status == "not_attempted"]
                for t in tests:
                    if t.status in ("passed", "not_attempted"):
                        continue
                    print(f"      {paint('✘', '31')} {t.test} ({t.points} pt{'s' if t.points != 1 else ''}, "
                          f"{STATUS_LABEL[t.status]}): {shorten(t.message, 400)}")
                    print(f"        {paint('hint:', '33')} {t.hint}")
                if stubbed:
                    stubs = ", ".join(sorted({f"{t.stub}() of {owner_of(t.stub, ch)}" for t in stubbed}))
                    print(f"      {paint('·', '2')} {len(stubbed)} more test{'s' if len(stubbed) != 1 else ''} "
                          f"stop at {stubs}, still a stub")
            if next_up is None and state != "done":
                next_up = ex
                blocked_by = detail if state == "blocked" else ""
        if next_up is not None and not cr.compile_error:
            fns = ", ".join(next_up["functions"])
            where = f"chapters/{ch.name}/{next_up['file']}" if flavour == "learner" else f"solutions/{ch.name}/{next_up['file']}"
            print(f"  {paint('next:', '36')} {next_up['id']} — {fns} in {where}" + (f"; {blocked_by}" if blocked_by else ""))
        elif not cr.compile_error:
            has_program = os.path.isfile(os.path.join(ROOT, "programs", ch.name, "main.cpp"))
            print(f"  {paint('chapter complete', '32')}" +
                  (f": ./wb run {ch.number} runs its program with your code" if has_program else ""))
        print()
    print(paint(f"Total: {total} / {possible} points", "1") + f"  ({flavour} code; reports in build/reports/)")


def shorten(text, limit):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


# ---------------------------------------------------------------- reports

def write_reports(results, report_dir):
    os.makedirs(report_dir, exist_ok=True)
    tests = []
    for ci, cr in enumerate(results, 1):
        for ti, t in enumerate(cr.tests, 1):
            status = STATUS_LABEL[t.status]
            output = status if t.status == "passed" else f"{status}: {t.message}\nhint: {t.hint}"
            tests.append({
                "name": f"{cr.chapter.name} / {t.exercise}.{t.test}",
                "number": f"{cr.chapter.number.lstrip('0') or '0'}.{ti}",
                "score": t.score,
                "max_score": t.points,
                "status": "passed" if t.status == "passed" else "failed",
                "output": shorten_keep_lines(output, 500),
                "tags": [t.status, cr.chapter.name, t.exercise],
            })
    report = {
        "score": sum(r.score for r in results),
        "max_score": sum(r.max_score for r in results),
        "output": "; ".join(f"chapter {r.chapter.name}: {r.score}/{r.max_score}" for r in results),
        "visibility": "visible",
        "stdout_visibility": "visible",
        "tests": tests,
    }
    with open(os.path.join(report_dir, "results.json"), "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
        f.write("\n")

    suites = ET.Element("testsuites", tests=str(len(tests)))
    for cr in results:
        failures = sum(1 for t in cr.tests if t.status in ("failed", "compile_error"))
        errors = sum(1 for t in cr.tests if t.status in ("crashed", "timed_out"))
        skipped = sum(1 for t in cr.tests if t.status == "not_attempted")
        suite = ET.SubElement(suites, "testsuite", name=cr.chapter.name, tests=str(len(cr.tests)),
                              failures=str(failures), errors=str(errors), skipped=str(skipped))
        for t in cr.tests:
            case = ET.SubElement(suite, "testcase", classname=f"{cr.chapter.name}.{t.exercise}", name=t.test)
            ET.SubElement(case, "properties").extend([
                ET.Element("property", name="points", value=str(t.points)),
                ET.Element("property", name="status", value=t.status)])
            if t.status == "not_attempted":
                ET.SubElement(case, "skipped", message=f"not attempted: {t.stub}")
            elif t.status in ("crashed", "timed_out"):
                ET.SubElement(case, "error", message=STATUS_LABEL[t.status]).text = t.message
            elif t.status != "passed":
                ET.SubElement(case, "failure", message=shorten(t.message, 200)).text = f"{t.message}\nhint: {t.hint}"
    ET.ElementTree(suites).write(os.path.join(report_dir, "junit.xml"), encoding="utf-8", xml_declaration=True)


def shorten_keep_lines(text, limit):
    return text if len(text) <= limit else text[:limit - 3] + "..."


# ---------------------------------------------------------------- mutants

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
