"""Grading: runs each graded test in its own contained process, builds the scoreboard and the reports.

What the learner's code cannot change decides the grade:
- the test list, points and hints come from the test sources (tools/manifest.py), never from a binary;
- the learner's objects are checked before they run (tools/objcheck.py): no files, environment,
  processes, signals, exits, dynamic loading, system calls or harness symbols;
- each test runs in a sandbox (tools/sandbox.py) and reports on an inherited descriptor; a result counts
  only when it is exactly one well-formed record of the test that was asked for, and a pass only when
  the process then exits normally with status 0.
Statuses: passed, failed, held (an error-path test that passed while a valid-path test of its exercise
did not), not_attempted (a stub threw wb::NotImplemented), crashed, timed_out, compile_error, rejected.
"""
import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import manifest
import sandbox

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRADED_DIR = os.path.join(ROOT, "tests", "graded")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")

STATUS_LABEL = {
    "passed": "passed", "failed": "failed", "held": "held back", "not_attempted": "not attempted",
    "crashed": "crashed", "timed_out": "timed out", "compile_error": "does not compile", "rejected": "rejected",
}
RECORD_STATUSES = {"passed", "failed", "not_attempted"}  # what a test process may report itself


def colour_enabled():
    return sys.stdout.isatty() and os.environ.get("NO_COLOR") is None


def paint(text, code):
    return f"\x1b[{code}m{text}\x1b[0m" if colour_enabled() else text


def clean_text(text, limit=2000):
    """Printable text for the screen, JSON and XML: valid UTF-8, no control characters but newlines."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    text = text.replace("\t", " ").replace("\r\n", "\n")
    text = "".join(c for c in text if c == "\n" or unicodedata.category(c) not in ("Cc", "Cs", "Cn", "Co"))
    return text if len(text) <= limit else text[:limit - 3] + "..."


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

    def manifest(self):
        return manifest.load(ROOT, self.name)


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
    error_path: bool = False

    @property
    def score(self):
        return self.points if self.status == "passed" else 0


@dataclass
class ChapterResult:
    chapter: Chapter
    tests: list = field(default_factory=list)
    compile_error: str = ""   # the first compiler error when the chapter does not build
    rejected: str = ""        # what the object check found, when the learner's code may not run

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
        if re.search(r":\d+:\d+: (fatal )?error:|^build: error:", line) or re.search(r"undefined reference to|multiple definition of", line):
            text = line.replace(ROOT + "/", "")
            context = [l for l in lines[i + 1:i + 3] if l.strip() and "error:" not in l and not l.startswith("[")]
            return clean_text("\n".join([text] + context))
    tail = [l for l in lines if l.strip()][-5:]
    return clean_text("\n".join(tail)) if tail else "the build failed without a compiler message"


def read_registry(binary):
    """The harness's own list (--wb-manifest) of a trusted binary: the self-test compares it with the sources."""
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


def test_env():
    return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "GTEST_COLOR": "no", "WB_THREADS": "1"}


def died_message(outcome):
    sig = -outcome.returncode if outcome.returncode < 0 else 0
    if sig == signal.SIGXFSZ:
        return f"the test process wrote more than {sandbox.OUTPUT_LIMIT >> 20} MiB (a print inside a loop?)"
    if sig == signal.SIGXCPU:
        return "the test process used up its CPU time: look for a loop that never ends"
    tail = [l for l in clean_text(outcome.output_tail).splitlines() if l.strip()][-3:]
    return (f"the test process died ({signal_name(outcome.returncode)})" + (": " + " | ".join(tail) if tail else "")
            + "; out-of-range index or null pointer?")


def verdict(outcome, entry, timeout):
    """(status, message, stub) of one run, from what the process reported and how it ended."""
    if outcome.timed_out:
        return "timed_out", f"still running after {timeout:g} s: look for a loop that never ends", ""
    lines = [l for l in outcome.result.split(b"\n") if l.strip()]
    if not lines:
        if outcome.returncode < 0:
            return "crashed", died_message(outcome), ""
        return "crashed", (f"the test process ended ({signal_name(outcome.returncode)}) before the test "
                           "reported a result: does your code exit the program?"), ""
    try:
        if len(lines) != 1:
            raise ValueError(f"{len(lines)} results for one test")
        if len(lines[0]) > 32768:  # the harness caps messages at 4000 bytes, escaped at most 6 bytes each
            raise ValueError("a result longer than any the harness writes")
        record = json.loads(lines[0].decode("utf-8", errors="replace"))
        if not isinstance(record, dict) or record.get("exercise") != entry.exercise or record.get("test") != entry.test:
            raise ValueError("a result for another test")
        status, message, stub = record.get("status"), record.get("message"), record.get("stub")
        if status not in RECORD_STATUSES or not isinstance(message, str) or not isinstance(stub, str):
            raise ValueError("a malformed result")
    except (ValueError, RecursionError) as e:  # json.JSONDecodeError is a ValueError
        return "crashed", f"the test process reported {clean_text(str(e), 200)}, not a verdict of this test", ""
    if outcome.returncode != (0 if status == "passed" else 1):
        return "crashed", f"the test finished, then the process ended with {signal_name(outcome.returncode)}", ""
    return status, clean_text(message.replace(ROOT + "/", "")), clean_text(stub, 200)


def run_one(runner, entry, timeout):
    """Runs one graded test in its own process; returns a TestResult (points from the manifest)."""
    result = TestResult("", entry.exercise, entry.test, entry.points, entry.hint, error_path=entry.error_path)
    try:
        outcome = runner.run([f"--gtest_filter={entry.exercise}.{entry.test}", "--gtest_brief=1"], timeout, test_env())
        result.status, result.message, result.stub = verdict(outcome, entry, timeout)
    except Exception as e:  # a fault of the grader: this test is lost, never the report
        result.status, result.message = "crashed", f"the grader failed on this test ({type(e).__name__}: {e})"
    return result


def all_tests(chapter, entries, status, message):
    return [TestResult(chapter.name, e.exercise, e.test, e.points, e.hint, status, message, error_path=e.error_path)
            for e in entries]


def grade_binary(binary, chapter, timeout, jobs, level=None, only_exercise=None):
    """Every graded test of the chapter (or of one exercise) run against `binary`, contained at `level`
    (sandbox.level() when None)."""
    entries = chapter.manifest()
    if only_exercise:
        entries = [e for e in entries if e.exercise == only_exercise]
    with sandbox.Runner(binary, FIXTURES, level) as runner:
        # One start-up run first: code that hangs or dies before any test would otherwise cost every test.
        probe = runner.run(["--gtest_list_tests"], timeout, test_env())
        if probe.timed_out:
            return all_tests(chapter, entries, "timed_out", f"the test program hangs before any test starts (after "
                             f"{timeout:g} s): a global variable whose initialisation never ends?")
        if probe.returncode != 0:
            return all_tests(chapter, entries, "crashed", "before any test started, " + died_message(probe))
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(lambda e: run_one(runner, e, timeout), entries))
    for r in results:
        r.chapter = chapter.name
    return hold_error_path_points(results)


def hold_error_path_points(results):
    """An error-path test (it only checks that bad input is rejected) earns its points once every
    valid-path test of the same exercise passes: a stub that only throws earns nothing."""
    for r in results:
        if r.status == "passed" and r.error_path:
            valid = [v for v in results if v.exercise == r.exercise and not v.error_path]
            if any(v.status != "passed" for v in valid):
                r.status = "held"
                r.message = (f"passes, but its points count once every other {r.exercise} test passes: "
                             "rejecting bad input is worth points only together with a working exercise")
    return results


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
    if statuses == {"compile_error"} or statuses == {"rejected"}:
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
        if cr.rejected:
            print(paint("  ✘ not run: graded code may compute, print and throw, but not touch files, the environment, "
                        "other processes, signals, exits or the grader. Remove these and grade again:", "31"))
            for line in cr.rejected.splitlines():
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
            note = {"todo": "not attempted", "blocked": detail,
                    "compile": STATUS_LABEL[tests[0].status]}.get(state, "")
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
        if next_up is not None and not (cr.compile_error or cr.rejected):
            fns = ", ".join(next_up["functions"])
            where = f"chapters/{ch.name}/{next_up['file']}" if flavour == "learner" else f"solutions/{ch.name}/{next_up['file']}"
            print(f"  {paint('next:', '36')} {next_up['id']} — {fns} in {where}" + (f"; {blocked_by}" if blocked_by else ""))
        elif not (cr.compile_error or cr.rejected):
            has_program = os.path.isfile(os.path.join(ROOT, "programs", ch.name, "main.cpp"))
            print(f"  {paint('chapter complete', '32')}" +
                  (f": ./wb run {ch.number} runs its program with your code" if has_program else ""))
        print()
    print(paint(f"Total: {total} / {possible} points", "1") + f"  ({flavour} code; reports in build/reports/)")


def shorten(text, limit):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


# ---------------------------------------------------------------- reports

def remove_reports(report_dir):
    """Called when a run starts: a report left from an earlier run must never stand for this one."""
    for name in ("results.json", "junit.xml"):
        try:
            os.remove(os.path.join(report_dir, name))
        except FileNotFoundError:
            pass


def _write_atomically(path, data):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp_" + os.path.basename(path))
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def gradescope_report(results, execution_time):
    """results.json with only the keys Gradescope's autograder specification documents."""
    tests = []
    for cr in results:
        for ti, t in enumerate(cr.tests, 1):
            status = STATUS_LABEL[t.status]
            output = status if t.status == "passed" else f"{status}: {t.message}\nhint: {t.hint}"
            tests.append({
                "name": f"{cr.chapter.name} / {t.exercise}.{t.test}",
                "number": f"{cr.chapter.number.lstrip('0') or '0'}.{ti}",
                "score": t.score,
                "max_score": t.points,
                "status": "passed" if t.status == "passed" else "failed",
                "output": shorten_keep_lines(clean_text(output), 500),
                "tags": [t.status, cr.chapter.name, t.exercise],
            })
    return {
        "score": sum(r.score for r in results),
        "execution_time": round(execution_time, 1),
        "output": "; ".join(f"chapter {r.chapter.name}: {r.score}/{r.max_score}" for r in results),
        "visibility": "visible",
        "stdout_visibility": "visible",
        "tests": tests,
    }


def junit_report(results):
    suites = ET.Element("testsuites", tests=str(sum(len(cr.tests) for cr in results)))
    for cr in results:
        failures = sum(1 for t in cr.tests if t.status in ("failed", "held", "compile_error", "rejected"))
        errors = sum(1 for t in cr.tests if t.status in ("crashed", "timed_out"))
        skipped = sum(1 for t in cr.tests if t.status == "not_attempted")
        suite = ET.SubElement(suites, "testsuite", name=cr.chapter.name, tests=str(len(cr.tests)),
                              failures=str(failures), errors=str(errors), skipped=str(skipped))
        for t in cr.tests:
            case = ET.SubElement(suite, "testcase", classname=f"{cr.chapter.name}.{t.exercise}", name=t.test)
            ET.SubElement(case, "properties").extend([
                ET.Element("property", name="points", value=str(t.points)),
                ET.Element("property", name="status", value=t.status)])
            message = clean_text(t.message)
            if t.status == "not_attempted":
                ET.SubElement(case, "skipped", message=f"not attempted: {clean_text(t.stub)}")
            elif t.status in ("crashed", "timed_out"):
                ET.SubElement(case, "error", message=STATUS_LABEL[t.status]).text = message
            elif t.status != "passed":
                ET.SubElement(case, "failure", message=shorten(message, 200)).text = f"{message}\nhint: {t.hint}"
    return ET.tostring(suites, encoding="utf-8", xml_declaration=True)


def write_reports(results, report_dir, execution_time=0.0):
    os.makedirs(report_dir, exist_ok=True)
    report = json.dumps(gradescope_report(results, execution_time), indent=2, ensure_ascii=False) + "\n"
    _write_atomically(os.path.join(report_dir, "results.json"), report.encode("utf-8"))
    _write_atomically(os.path.join(report_dir, "junit.xml"), junit_report(results))


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
