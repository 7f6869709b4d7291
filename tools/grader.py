"""Grading: runs each graded test in its own contained process, builds the scoreboard and the reports.

What the learner's code cannot change decides the grade:
- the test list, points and hints come from the test sources (tools/manifest.py), never from a binary;
- the learner's objects are checked before they run (tools/objcheck.py): no files, environment,
  processes, signals, exits, dynamic loading, system calls or harness symbols;
- each test runs in a sandbox (tools/sandbox.py) and reports on an inherited descriptor; a result counts
  only when it is exactly one well-formed record of the test that was asked for, and a pass only when
  the process then exits normally with status 0.
- each test runs twice (docs/grading.md, "Two processes"): the learner's side, sandboxed, only hands over
  the values its code computed; the judge, which links no learner code, checks them and writes the
  verdict. Whatever the learner's process writes earns only what its values earn.
- in course mode, each run draws inputs nobody knew before it (UNSEEN_TEST, seeded from a secret made for the
  run): the learner's values on them are matched against a trusted run of the reference on the same inputs,
  and an exercise's points count only once its unseen-input tests pass (hold_unseen_points).
Statuses: passed, failed, held (an error-path test that passed while a valid-path test of its exercise
did not, or any test of an exercise that fails on unseen inputs), not_attempted (a stub threw wb::NotImplemented), crashed, timed_out, compile_error, rejected.
"""
import collections
import concurrent.futures
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field

import build
import learner_inputs
import manifest
import objcheck
import sandbox
import registry
import reports
from project import BUILD, JOBS, ROOT, say


FIXTURES = os.path.join(ROOT, "tests", "fixtures")

RECORD_STATUSES = {"passed", "failed", "not_attempted"}  # what the judge may report of a test


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
    visibility: str = "visible"  # Gradescope's visibility of the test (manifest.visibility_of)
    unseen: bool = False         # an UNSEEN_TEST (course mode)

    @property
    def score(self):
        return self.points if self.status == "passed" else 0


@dataclass
class Unseen:
    """Course mode's unseen inputs: the run's secret and the trusted reference binary that computes the
    expected values on them."""
    secret: str
    reference: str

    @staticmethod
    def draw(reference):
        import secrets
        return Unseen(secrets.token_hex(16), reference)


@dataclass


class ChapterResult:
    chapter: registry.Chapter
    tests: list = field(default_factory=list)
    compile_error: str = ""   # the first compiler error when the chapter does not build
    rejected: str = ""        # what the object check found, when the learner's code may not run
    partial_compile_error: str = ""  # exercise files that do not compile ("NN_topic/file.cpp: error"); the rest was graded

    @property
    def score(self):
        return sum(t.score for t in self.tests)

    @property
    def max_score(self):
        return sum(t.points for t in self.tests)


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
    tail = [l for l in reports.clean_text(outcome.output_tail).splitlines() if l.strip()][-3:]
    return (f"the test process died ({signal_name(outcome.returncode)})" + (": " + " | ".join(tail) if tail else "")
            + "; out-of-range index or null pointer?")


def judge_binary(binary, chapter):
    """The judge of a chapter's learner-side test binary (built beside it)."""
    return os.path.join(os.path.dirname(binary), f"judge_{chapter.name}")


def side_env(unseen):
    return dict(test_env(), WB_UNSEEN_SEED=unseen.secret) if unseen else test_env()


def learner_side(runner, entry, timeout, folder, unseen=None):
    """Runs one test's learner side in the sandbox; what it handed over goes to folder/Exercise.Test."""
    outcome = runner.run(["--wb-run", f"{entry.exercise}.{entry.test}"], timeout, side_env(unseen),
                         result_limit=sandbox.OUTPUT_LIMIT)
    with open(os.path.join(folder, f"{entry.exercise}.{entry.test}"), "wb") as f:
        f.write(outcome.result)
    return outcome


def reference_sides(unseen, fixtures, entries, folder):
    """The reference's runs of the unseen-input tests on the run's inputs, into folder/Exercise.Test: the
    workbook's own code, run outside the learner's sandbox (with limits), its values never shown to it."""
    with sandbox.Runner(unseen.reference, fixtures, "none") as runner:
        for e in entries:
            outcome = runner.run(["--wb-run", f"{e.exercise}.{e.test}"], 120.0, side_env(unseen),
                                 result_limit=sandbox.OUTPUT_LIMIT)
            if not outcome.timed_out and outcome.returncode == 0:
                with open(os.path.join(folder, f"{e.exercise}.{e.test}"), "wb") as f:
                    f.write(outcome.result)


def judge_records(judge, entries, folder, timeout, unseen=None, reference_folder=None):
    """{(exercise, test): record} of the judge's verdicts on the hand-overs in folder: one judge process for
    all of them, then one per test for any the first could not finish (a value that crashed it)."""
    env = dict(side_env(unseen), WB_HANDOVER_DIR=folder, WB_FIXTURE_ROOT=FIXTURES)
    if reference_folder:
        env["WB_REFERENCE_DIR"] = reference_folder
    records = {}

    def run(chosen, limit):
        # The judge is the workbook's code, but it reads values made by untrusted code: limits and a time-out too.
        done = sandbox.Runner(judge, FIXTURES, "none").run(
            ["--gtest_filter=" + ":".join(f"{e.exercise}.{e.test}" for e in chosen), "--gtest_brief=1"], limit, env,
            result_limit=sandbox.OUTPUT_LIMIT)
        for line in done.result.split(b"\n"):
            try:
                record = json.loads(line)
                records.setdefault((record["exercise"], record["test"]), record)
            except (ValueError, KeyError, TypeError):
                continue

    run(entries, 60.0 + 2.0 * len(entries))
    for e in [e for e in entries if (e.exercise, e.test) not in records]:
        run([e], max(timeout, 30.0))
    return records


def judged_verdict(entry, outcome, record, timeout):
    """(status, message, stub) of one test from how its learner side ended and the judge's record."""
    if outcome.timed_out:
        return "timed_out", f"still running after {timeout:g} s: look for a loop that never ends", ""
    if record is None:
        return "crashed", "the judge could not finish with the values your code handed over", ""
    status, message, stub = record.get("status"), str(record.get("message", "")), str(record.get("stub", ""))
    if record.get("learner_stopped"):
        if outcome.returncode < 0:
            return "crashed", died_message(outcome), ""
        return "crashed", (f"the test process ended ({signal_name(outcome.returncode)}) before the test "
                           "finished: does your code exit the program?"), ""
    if status not in RECORD_STATUSES:
        return "crashed", "the judge wrote no verdict", ""
    return status, reports.clean_text(message.replace(ROOT + "/", "")), reports.clean_text(stub, 200)


def grade_judged(runner, judge, chapter, entries, timeout, jobs, fixtures, unseen=None):
    """Every entry of a chapter: the learner sides in the sandbox, `jobs` at a time, the reference's runs of the
    unseen-input tests, then the judge."""
    with tempfile.TemporaryDirectory(prefix="wb_handover_") as folder, \
            tempfile.TemporaryDirectory(prefix="wb_reference_") as reference_folder:
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            outcomes = list(pool.map(lambda e: learner_side(runner, e, timeout, folder, unseen), entries))
        if unseen:
            reference_sides(unseen, fixtures, [e for e in entries if e.unseen], reference_folder)
        records = judge_records(judge, entries, folder, timeout, unseen, reference_folder if unseen else None)
    results = []
    for e, outcome in zip(entries, outcomes):
        r = TestResult("", e.exercise, e.test, e.points, e.hint, error_path=e.error_path, visibility=e.visibility,
                       unseen=e.unseen)
        try:
            r.status, r.message, r.stub = judged_verdict(e, outcome, records.get((e.exercise, e.test)), timeout)
        except Exception as error:  # a fault of the grader: this test is lost, never the report
            r.status, r.message = "crashed", f"the grader failed on this test ({type(error).__name__}: {error})"
        results.append(r)
    return results


def failed_exercise_files(output):
    """{(chapter name, exercise file): first compiler error} for the learner's files whose compile failed in
    this build log (ninja's FAILED lines name the object, tests/CMakeFiles/03_lstm_learner.dir/.../lstm_cell.cpp.o).
    Empty when something else failed (a link error: no single file to blame)."""
    # split the log at ninja's FAILED lines: each block is one failed command and its messages
    failed = {}
    for block in re.split(r"^(?=FAILED:|ninja:)", output, flags=re.M):
        if not block.startswith("FAILED:"):
            continue
        m = re.search(r"(\d\d_[a-z0-9_]+)_learner\.dir/\S*?([\w.-]+\.cpp)\.o\b", block.splitlines()[0])
        if not m:
            return {}
        failed[(m.group(1), m.group(2))] = build.first_compiler_error(block)
    return failed


def stub_text(chapter_name, file_name):
    """The pristine stub of an exercise file, as ./wb reset finds it: a handout's .stubs/, else the newest
    commit in which every function of the file is still a stub (never a learner's committed work)."""
    import learner
    chapter = next(c for c in registry.load_chapters() if c.name == chapter_name)
    functions = [f for ex in chapter.exercises if ex["file"] == file_name for f in ex["functions"]]
    stub = learner.stub_from_handout(chapter, file_name) or learner.stub_from_git(chapter, file_name, functions)
    return stub.encode() if stub else None


def stand_in_build(build_dir, broken):
    """A build tree beside build_dir whose exercise files are build_dir's, but for the broken ones, which are the
    stubs: so one file's syntax error costs only its own exercises. None when a stub cannot be found."""
    source = build.chapters_dir_of(build_dir)
    substitute = build_dir.rstrip("/") + "-partial"
    stage = os.path.join(substitute, "chapters")
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(source, stage, symlinks=True, ignore=shutil.ignore_patterns("*.bak-*"))
    for chapter_name, file_name in broken:
        stub = stub_text(chapter_name, file_name)
        if stub is None:
            return None
        with open(os.path.join(stage, chapter_name, file_name), "wb") as f:
            f.write(stub)
    build.configure(substitute, [f"-DWB_CHAPTERS_DIR={stage}"])
    return substitute


def all_tests(chapter, entries, status, message):
    return [TestResult(chapter.name, e.exercise, e.test, e.points, e.hint, status, message, error_path=e.error_path,
                       visibility=e.visibility, unseen=e.unseen)
            for e in entries]


def grade_binary(binary, chapter, timeout, jobs, level=None, only_exercise=None, unseen=None):
    """Every graded test of the chapter (or of one exercise) run against `binary`, contained at `level`
    (sandbox.level() when None); with unseen (an Unseen), course mode's unseen-input tests too."""
    entries = chapter.manifest(unseen=unseen is not None)
    if only_exercise:
        entries = [e for e in entries if e.exercise == only_exercise]
    judge = judge_binary(binary, chapter)
    if not os.path.isfile(judge):
        raise RuntimeError(f"{judge} is not built")
    with tempfile.TemporaryDirectory(prefix="wb_inputs_") as inputs:
        # The learner's side sees the fixtures' input tensors only (tools/learner_inputs.py).
        fixtures = learner_inputs.stage(chapter, inputs)
        return _grade_binary(binary, judge, fixtures, chapter, entries, timeout, jobs, level, unseen)


def _grade_binary(binary, judge, fixtures, chapter, entries, timeout, jobs, level, unseen):
    with sandbox.Runner(binary, fixtures, level) as runner:
        # One start-up run first: code that hangs or dies before any test would otherwise cost every test.
        probe = runner.run(["--wb-list"], timeout, test_env())
        if probe.timed_out:
            return all_tests(chapter, entries, "timed_out", f"the test program hangs before any test starts (after "
                             f"{timeout:g} s): a global variable whose initialisation never ends?")
        if probe.returncode != 0:
            return all_tests(chapter, entries, "crashed", "before any test started, " + died_message(probe))
        results = grade_judged(runner, judge, chapter, entries, timeout, jobs, fixtures, unseen)
    for r in results:
        r.chapter = chapter.name
    return hold_unseen_points(hold_error_path_points(results))


def hold_unseen_points(results):
    """In course mode, an exercise earns its points only once its unseen-input tests pass too: code that
    answers the handout's fixed cases (a lookup table of them, say) and nothing else earns nothing."""
    for r in results:
        if r.status == "passed" and not r.unseen:
            failing = [u for u in results if u.unseen and u.exercise == r.exercise and u.status != "passed"]
            if failing:
                r.status = "held"
                r.message = (f"passes on the handout's inputs, but {r.exercise}.{failing[0].test} fails on the inputs "
                             f"drawn for this run; {r.exercise}'s points count once it passes there too")
    return results


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


def check_objects(build_dir, target, flavour):
    """What objcheck finds in every learner (or reference) library linked into `target`."""
    source_root = build.chapters_dir_of(build_dir) if flavour == "learner" else os.path.join(ROOT, "solutions")
    roots = [source_root, os.path.join(ROOT, "chapters"), os.path.join(ROOT, "framework"), os.path.join(ROOT, "layers"),
             "/usr/include", "/usr/lib/gcc"]
    # the workbook's own code, layers built for this flavour included (only tests/lib*_<flavour>.a are the learner's)
    trusted = [os.path.join(build_dir, p) for p in build.link_inputs(build_dir, target)
               if not re.fullmatch(rf"tests/lib\w+_{flavour}\.a|tests/CMakeFiles/\w+_{flavour}\.dir/.*", p)]
    trusted_symbols = objcheck.defined_symbols(trusted + [objcheck.GTEST_LIBRARY], build_dir)
    problems = []
    for library in build.linked_libraries(build_dir, target, flavour):
        problems += objcheck.check_library(build_dir, library, roots, trusted_symbols, source_root)
    return problems


def reference_available():
    """Whether the reference can be built here (the teacher's workbook and the Gradescope autograder, not a handout)."""
    return os.path.isdir(os.path.join(ROOT, "solutions"))


def build_trusted_parts(chapters, flavour, build_dir, unseen, show):
    """What the chapters' graded binaries link that is not the learner's code (framework, layers, tests, judges),
    in one build: ninja then keeps both cores busy across chapters, where one chapter at a time left one idle
    while the framework's longest file compiled. It also configures first: a fresh build/ has no answer to
    "what does this target link", and those parts were then built with the learner's files, in their sandbox."""
    with build.build_lock(build_dir):
        build.configure(build_dir)  # before asking ninja what a target links
        parts = set()
        for ch in chapters:
            parts.update(build.trusted_parts(build_dir, f"graded_{ch.name}_{flavour}", flavour))
            parts.add(f"judge_{ch.name}")
            if unseen:
                parts.add(os.path.basename(build.graded_binary(ch, "reference", build_dir)))
        if show and build.needs_work(build_dir, sorted(parts)):
            say("building the framework and the graded tests ...")
        build.build(sorted(parts), build_dir=build_dir)


def grade_chapters(chapters, flavour, timeout=10.0, show=True, build_dir=BUILD, level=None, only_exercise=None,
                   unseen=False):
    """Builds and grades each chapter; every graded test of every chapter appears in the results (of one
    exercise only, with only_exercise: ./wb mock --submit). unseen: course mode's unseen-input tests too, on
    inputs drawn from a secret made for this run (the reference computes their expected values)."""
    results = []
    secret = Unseen.draw(None).secret if unseen else None
    build_trusted_parts(chapters, flavour, build_dir, unseen, show)
    for ch in chapters:
        try:
            entries = ch.manifest(unseen=unseen)
        except manifest.ManifestError as e:
            raise SystemExit(f"wb: {e}")
        target = f"graded_{ch.name}_{flavour}"
        if show:
            say(f"building chapter {ch.name} ({'reference' if flavour == 'reference' else 'your'} code) ...")
        # What is not the learner's code was built above, without a time limit (the first build is long); the
        # learner's files are built here, within LEARNER_BUILD_TIMEOUT.
        chapter_unseen = None
        if unseen:  # the reference's side of the same tests (built above) computes the unseen inputs' expected values
            chapter_unseen = Unseen(secret, build.graded_binary(ch, "reference", build_dir))
        if unseen and os.geteuid() == 0:
            os.chmod(chapter_unseen.reference, 0o700)  # a test's own user id ("uid" level) can neither read nor run it
        ok, output = build.build([target], build_dir=build_dir, timeout=build.LEARNER_BUILD_TIMEOUT, untrusted=flavour == "learner")
        broken = {}  # exercise file (chapter name, file name) -> its first compiler error
        chapter_build = build_dir  # where the graded binary is: build_dir, or its -partial tree with stand-in stubs
        if not ok and flavour == "learner":
            broken = failed_exercise_files(output)
            substitute = stand_in_build(build_dir, broken) if broken else None
            if substitute:  # the files that do not compile are replaced by their stubs; the rest is graded
                build.build(build.trusted_parts(substitute, target, flavour) + [f"judge_{ch.name}"], build_dir=substitute)
                ok, _ = build.build([target], build_dir=substitute, timeout=build.LEARNER_BUILD_TIMEOUT, untrusted=True)
                chapter_build = substitute if ok else build_dir
            if not ok:
                broken = {}
        if not ok:
            error = build.first_compiler_error(output)
            tests = all_tests(ch, entries, "compile_error", "does not compile: " + error.splitlines()[0])
            results.append(ChapterResult(ch, tests, compile_error=error))
            continue
        problems = check_objects(chapter_build, target, flavour)
        if problems:
            tests = all_tests(ch, entries, "rejected", "not run: " + problems[0])
            results.append(ChapterResult(ch, tests, rejected="\n".join(p[:300] for p in problems[:12])))
            continue
        binary = build.graded_binary(ch, flavour, chapter_build)
        try:
            graded = grade_binary(binary, ch, timeout, JOBS, level, only_exercise, chapter_unseen)
            if broken:  # the exercises of a file that does not compile earn nothing, whatever its stand-in did
                own = {ex["id"]: broken[(ch.name, ex["file"])] for ex in ch.exercises if (ch.name, ex["file"]) in broken}
                for t in graded:
                    if t.exercise in own:
                        t.status, t.message = "compile_error", "does not compile: " + own[t.exercise].splitlines()[0]
                results.append(ChapterResult(ch, graded, partial_compile_error="\n".join(
                    f"{c}/{name}: {error}" for (c, name), error in sorted(broken.items()))))
            else:
                results.append(ChapterResult(ch, graded))
        except Exception as e:  # a fault of the grader itself: still a report, every test listed, none passed
            results.append(ChapterResult(ch, all_tests(
                ch, entries, "crashed", f"the grader failed on this chapter ({type(e).__name__}: {e}); "
                                        "please report it")))
    return results


MAX_EXERCISE_FILE = 1 << 20  # bytes: a larger "exercise file" is not taken


def submitted_file(submission, parts):
    """The regular file submission/parts..., if no part of that path is a symbolic link (a link could
    point at solutions/ or at another student's files) and it is not too large; else None."""
    path = submission
    for part in parts:
        path = os.path.join(path, part)
        if os.path.islink(path) or not os.path.exists(path):
            return None
    return path if os.path.isfile(path) and os.path.getsize(path) <= MAX_EXERCISE_FILE else None


def course_build(submission, build_dir=None):
    """build_dir (build-course/ unless given): the workbook's own sources and headers with only the submission's
    exercise files (chapters/NN_topic/*.cpp) swapped in; an exercise file missing from the submission is graded
    as the stub."""
    build_dir = build_dir or os.path.join(ROOT, "build-course")
    stage = os.path.join(build_dir, "submission")
    shutil.rmtree(stage, ignore_errors=True)
    taken, missing = 0, []
    chapters = registry.load_chapters()
    # an exercise file uploaded on its own (Gradescope) is taken when no other chapter has a file of that name
    owners = collections.Counter(os.path.basename(p) for ch in chapters
                                 for p in glob.glob(os.path.join(ROOT, "chapters", ch.name, "*.cpp")))
    for ch in chapters:
        os.makedirs(os.path.join(stage, ch.name))
        for stub in sorted(glob.glob(os.path.join(ROOT, "chapters", ch.name, "*.cpp"))):
            name = os.path.basename(stub)
            candidates = [("chapters", ch.name, name), (ch.name, name)] + ([(name,)] if owners[name] == 1 else [])
            src = next((f for f in (submitted_file(submission, c) for c in candidates) if f), None)
            if src:
                taken += 1
            else:
                missing.append(f"{ch.name}/{name}")
            shutil.copyfile(src or stub, os.path.join(stage, ch.name, name))
    say(f"course mode: {taken} exercise files from {submission}" +
        (f"; not submitted, graded as stubs: {', '.join(missing)}" if missing and len(missing) < 12 else
         f"; {len(missing)} not submitted, graded as stubs" if missing else ""))
    build.configure(build_dir, [f"-DWB_CHAPTERS_DIR={stage}"])
    return build_dir
