"""The workbook's command line (started by ./wb after the package check). ./wb help lists the commands."""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attacks  # noqa: E402
import consistency  # noqa: E402
import grader  # noqa: E402
import manifest  # noqa: E402
import objcheck  # noqa: E402
import sandbox  # noqa: E402
from grader import ROOT, paint  # noqa: E402

BUILD = os.path.join(ROOT, "build")
REPORTS = os.path.join(BUILD, "reports")
JOBS = os.cpu_count() or 2
LEARNER_BUILD_TIMEOUT = 180.0  # seconds to compile and link a chapter's exercise files

USAGE = """usage: ./wb COMMAND [ARGS]

  grade [CHAPTER...] [--solutions]   build and grade your workbook (chapters/), or the reference
                                     (solutions/), and print the scoreboard; e.g. ./wb grade 01
  run CHAPTER [--solutions] [ARGS]   run a chapter's program with your kernels, e.g. ./wb run 01
  test                               the whole self-test: framework tests, reference full marks,
                                     stubs zero, every mutant rejected, docs without warnings
  docs                               build the documentation site into build/docs/html
  mutants [CHAPTER...]               only the mutant part of the self-test
  attacks                            only the grader-under-attack part of the self-test
  fixtures                           regenerate the PyTorch golden tensors (tests/fixtures/)
  bench cnn [--rounds N]             chapter 07 kernels and one training epoch against PyTorch:
                                     one JSON line per case with ms, torch_ms and their ratio
  help                               this text

CHAPTER: 01, 1, 01_attention or attention. Reports: build/reports/results.json (Gradescope)
and build/reports/junit.xml."""


def say(text):
    print(paint("wb: ", "36") + text, flush=True)


def configure(build_dir=BUILD, options=None):
    """Configures build_dir unless it is configured already, with the same options, and no Debian package
    was installed since (./wb writes build/.packages-installed when it installs one: a tool that was
    missing at the last configure, cached as NOTFOUND, is found again)."""
    ninja_file = os.path.join(build_dir, "build.ninja")
    stamp = os.path.join(BUILD, ".packages-installed")
    options_file = os.path.join(build_dir, ".wb-configure-options")
    wanted = "\n".join(options) if options is not None else None
    if (os.path.isfile(ninja_file) and not (os.path.isfile(stamp) and os.path.getmtime(stamp) > os.path.getmtime(ninja_file))
            and (wanted is None or (open(options_file).read() if os.path.isfile(options_file) else "") == wanted)):
        return
    say(f"configuring the build in {os.path.relpath(build_dir, ROOT)}/ (cmake --preset release) ...")
    proc = subprocess.run(["cmake", "--preset", "release", "-B", build_dir, *(options or [])], cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stdout + proc.stderr)
        raise SystemExit("wb: cmake could not configure the build; see the messages above")
    if wanted is not None:
        with open(options_file, "w") as f:
            f.write(wanted)


def build(targets, quiet=True, build_dir=BUILD, timeout=None, untrusted=False):
    """Builds the targets; returns (ok, output). timeout: seconds, after which the whole build is killed.
    untrusted: the targets compile learner code, which ccache must neither serve nor store."""
    configure(build_dir)
    cmd = ["cmake", "--build", build_dir, "--target", *targets]
    env = dict(os.environ, CCACHE_DISABLE="1") if untrusted else None
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="replace", start_new_session=True, env=env)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.communicate()
        return False, (f"build: error: compiling your files took longer than {timeout:g} s and was stopped "
                       "(a file that includes itself, or a template that never ends?)")
    if not quiet and proc.returncode != 0:
        print(output)
    return proc.returncode == 0, output


def graded_binary(chapter, flavour, build_dir=BUILD):
    return os.path.join(build_dir, "tests", f"graded_{chapter.name}_{flavour}")


# ---------------------------------------------------------------- grade

def chapters_dir_of(build_dir):
    """WB_CHAPTERS_DIR of a configured build: where its learner libraries' exercise files come from."""
    with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
        for line in f:
            if line.startswith("WB_CHAPTERS_DIR:"):
                return line.split("=", 1)[1].strip()
    return os.path.join(ROOT, "chapters")


def linked_libraries(build_dir, target, flavour):
    """The chapter libraries of one flavour that a graded binary links (its own and its DEPENDS)."""
    out = subprocess.run(["ninja", "-C", build_dir, "-t", "query", f"tests/{target}"], capture_output=True, text=True)
    paths = {l.strip().lstrip("| ") for l in out.stdout.splitlines()}  # "| lib.a": an implicit input
    return sorted(p for p in paths if re.fullmatch(rf"tests/lib\w+_{flavour}\.a", p))


def link_inputs(build_dir, target):
    """The objects and libraries of this build that ninja links into tests/<target>."""
    out = subprocess.run(["ninja", "-C", build_dir, "-t", "query", f"tests/{target}"], capture_output=True, text=True)
    parts = {l.strip().lstrip("| ") for l in out.stdout.splitlines() if l.startswith("    ")}
    return sorted(p for p in parts if (p.endswith(".a") or p.endswith(".o")) and not p.startswith("/"))


def trusted_parts(build_dir, target, flavour):
    """What `target` links that is built from no file of `flavour` (framework, harness, tests): built
    before the learner's files, without their time limit."""
    return [p for p in link_inputs(build_dir, target) if not re.search(rf"_{flavour}(\.a|\.dir/)", p)]


def check_objects(build_dir, target, flavour):
    """What objcheck finds in every learner (or reference) library linked into `target`."""
    source_root = chapters_dir_of(build_dir) if flavour == "learner" else os.path.join(ROOT, "solutions")
    roots = [source_root, os.path.join(ROOT, "chapters"), os.path.join(ROOT, "framework"), os.path.join(ROOT, "layers"),
             "/usr/include", "/usr/lib/gcc"]
    # the workbook's own code, layers built for this flavour included (only tests/lib*_<flavour>.a are the learner's)
    trusted = [os.path.join(build_dir, p) for p in link_inputs(build_dir, target)
               if not re.fullmatch(rf"tests/lib\w+_{flavour}\.a|tests/CMakeFiles/\w+_{flavour}\.dir/.*", p)]
    trusted_symbols = objcheck.defined_symbols(trusted + [objcheck.GTEST_LIBRARY], build_dir)
    problems = []
    for library in linked_libraries(build_dir, target, flavour):
        problems += objcheck.check_library(build_dir, library, roots, trusted_symbols, source_root)
    return problems


def grade_chapters(chapters, flavour, timeout=10.0, show=True, build_dir=BUILD, level=None):
    """Builds and grades each chapter; every graded test of every chapter appears in the results."""
    results = []
    for ch in chapters:
        try:
            entries = ch.manifest()
        except manifest.ManifestError as e:
            raise SystemExit(f"wb: {e}")
        target = f"graded_{ch.name}_{flavour}"
        if show:
            say(f"building chapter {ch.name} ({'reference' if flavour == 'reference' else 'your'} code) ...")
        # What is not the learner's code is built first, without a time limit (the first build is long);
        # then the learner's files, within LEARNER_BUILD_TIMEOUT.
        build(trusted_parts(build_dir, target, flavour), build_dir=build_dir)
        ok, output = build([target], build_dir=build_dir, timeout=LEARNER_BUILD_TIMEOUT, untrusted=flavour == "learner")
        if not ok:
            error = grader.first_compiler_error(output)
            results.append(grader.ChapterResult(ch, grader.all_tests(ch, entries, "compile_error", "does not compile: "
                                                                     + error.splitlines()[0]), compile_error=error))
            continue
        problems = check_objects(build_dir, target, flavour)
        if problems:
            results.append(grader.ChapterResult(ch, grader.all_tests(ch, entries, "rejected", "not run: " + problems[0]),
                                                rejected="\n".join(problems[:12])))
            continue
        binary = graded_binary(ch, flavour, build_dir)
        try:
            results.append(grader.ChapterResult(ch, grader.grade_binary(binary, ch, timeout, JOBS, level)))
        except Exception as e:  # a fault of the grader itself: still a report, every test listed, none passed
            results.append(grader.ChapterResult(ch, grader.all_tests(
                ch, entries, "crashed", f"the grader failed on this chapter ({type(e).__name__}: {e}); "
                                        "please report it")))
    return results


def course_build(submission):
    """build-course/: the workbook's own sources and headers with only the submission's exercise files
    (chapters/NN_topic/*.cpp) swapped in; an exercise file missing from the submission is graded as the stub."""
    stage = os.path.join(ROOT, "build-course", "submission")
    shutil.rmtree(stage, ignore_errors=True)
    taken, missing = 0, []
    for ch in grader.load_chapters():
        os.makedirs(os.path.join(stage, ch.name))
        for stub in sorted(glob.glob(os.path.join(ROOT, "chapters", ch.name, "*.cpp"))):
            name = os.path.basename(stub)
            candidates = [os.path.join(submission, "chapters", ch.name, name), os.path.join(submission, ch.name, name)]
            src = next((c for c in candidates if os.path.isfile(c) and not os.path.islink(c)), None)
            if src:
                taken += 1
            else:
                missing.append(f"{ch.name}/{name}")
            shutil.copyfile(src or stub, os.path.join(stage, ch.name, name))
    say(f"course mode: {taken} exercise files from {submission}" +
        (f"; not submitted, graded as stubs: {', '.join(missing)}" if missing and len(missing) < 12 else
         f"; {len(missing)} not submitted, graded as stubs" if missing else ""))
    build_dir = os.path.join(ROOT, "build-course")
    configure(build_dir, [f"-DWB_CHAPTERS_DIR={stage}"])
    return build_dir


def cmd_grade(args):
    flavour = "reference" if args.solutions else "learner"
    chapters = grader.select_chapters(args.chapters)
    report_dir = os.path.abspath(args.reports) if args.reports else REPORTS
    grader.remove_reports(report_dir)
    start = time.monotonic()
    build_dir, level = BUILD, sandbox.level()
    if args.course:
        if args.solutions:
            raise SystemExit("wb: --course grades a submission; --solutions grades the reference")
        if level == "none":
            raise SystemExit("wb: course mode contains every test (bubblewrap, or as root a user id of its own), "
                             "and neither works here: run it as root, or apt-get install bubblewrap")
        build_dir = course_build(os.path.abspath(args.submission or ROOT))
    if level != "bwrap":
        say(f"tests run contained by {sandbox.describe(level)}; bubblewrap would hide the tree from them")
    results = grade_chapters(chapters, flavour, args.timeout, build_dir=build_dir, level=level)
    grader.print_scoreboard(results, flavour)
    grader.write_reports(results, report_dir, time.monotonic() - start)
    say(f"graded in {time.monotonic() - start:.1f} s" + ("" if report_dir == REPORTS else f"; reports in {report_dir}"))
    return 0  # grading ran: the score is in the report, not the exit code


# ---------------------------------------------------------------- run, docs, fixtures

def cmd_run(args, extra):
    ch = grader.select_chapters([args.chapter])[0]
    flavour = "reference" if args.solutions else "learner"
    target = f"run_{ch.name}_{flavour}"
    say(f"building {target} ...")
    ok, output = build([target])
    if not ok:
        print(grader.first_compiler_error(output))
        raise SystemExit(f"wb: chapter {ch.name} does not compile yet; ./wb grade {ch.number} shows what is missing")
    out_dir = os.path.join(BUILD, "out", ch.number)
    os.makedirs(out_dir, exist_ok=True)
    proc = subprocess.run([os.path.join(BUILD, "programs", target), out_dir, *extra])
    if proc.returncode != 0 and flavour == "learner":
        say(f"the program stopped; if it names a stub, finish that exercise first (./wb grade {ch.number})")
    return proc.returncode


def cmd_docs(_args=None):
    ok, output = build(["docs"])
    warnings = [l for l in output.splitlines() if "warning:" in l or "error:" in l]
    for line in warnings[:30]:
        print(line)
    if not ok or warnings:
        say(paint(f"the docs build failed with {len(warnings)} warning(s)", "31"))
        return 1
    say(f"docs built: {os.path.join(BUILD, 'docs', 'html', 'index.html')}")
    return 0


def cmd_fixtures(_args=None):
    scripts = sorted(p for p in glob.glob(os.path.join(ROOT, "tools", "fixtures", "*.py"))
                     if os.path.basename(p) != "wbt.py")
    for script in scripts:
        say(f"running {os.path.relpath(script, ROOT)} ...")
        if subprocess.run(["/usr/bin/python3", script]).returncode != 0:
            return 1
    return 0


# ---------------------------------------------------------------- benchmarks

# glibc's default hands big blocks to mmap and returns them on free, so a training loop page-faults its
# activations in again every step. Our programs turn that off with mallopt (framework/heap.hpp);
# PyTorch gets the same settings through the environment, so both run on the same allocator.
HEAP_ENV = {"MALLOC_MMAP_THRESHOLD_": str(256 << 20), "MALLOC_TRIM_THRESHOLD_": str(1 << 30)}
CNN_KERNELS = ["conv_forward", "conv_backward", "maxpool_forward", "maxpool_backward"]


def run_google_benchmark(binary, filter_regex, repetitions):
    """{case: median real time in ms} of a Google Benchmark binary."""
    out = subprocess.run([binary, f"--benchmark_filter={filter_regex}", "--benchmark_format=json",
                          f"--benchmark_repetitions={repetitions}", "--benchmark_report_aggregates_only=true"],
                         capture_output=True, text=True, env=dict(os.environ, **HEAP_ENV), check=True)
    medians = {}
    for b in json.loads(out.stdout)["benchmarks"]:
        # one repetition reports the run itself; several report aggregates, of which we keep the median
        if b.get("aggregate_name", "median") != "median":
            continue
        scale = {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}[b["time_unit"]]
        name = b["run_name"].split("/")
        case = name[0] + ("_unfused" if len(name) > 1 and name[1] == "0" else "")
        medians[case] = b["real_time"] * scale
    return medians


def torch_available():
    return subprocess.run(["/usr/bin/python3", "-c", "import torch"], capture_output=True).returncode == 0


def run_torch(case, threads, mkldnn, repeats=None):
    cmd = ["/usr/bin/python3", os.path.join(ROOT, "bench", "cnn_torch.py"), case, str(threads), "1" if mkldnn else "0"]
    if repeats:
        cmd.append(str(repeats))
    out = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, **HEAP_ENV), check=True)
    return json.loads(out.stdout)


def cmd_bench(args):
    if args.name != "cnn":
        raise SystemExit("wb: the benchmarks are: cnn")
    ok, output = build(["bench_cnn"])
    if not ok:
        print(grader.first_compiler_error(output))
        return 1
    binary = os.path.join(BUILD, "bench", "bench_cnn")
    libtorch = os.path.join(BUILD, "bench", "bench_cnn_libtorch")
    if not build(["bench_cnn_libtorch"])[0]:  # only where Debian's libtorch-dev is installed
        libtorch = None
        say("libtorch (Debian's libtorch-dev) is not installed: no C++ peer")
    peer = torch_available()
    if not peer:
        say("PyTorch is not installed: C++ timings only (apt-get install python3-torch for the ratios)")
    configs = [(t, m) for t in sorted({1, JOBS}) for m in (True, False)]  # the peers: keep their fastest
    median = lambda xs: sorted(xs)[len(xs) // 2]
    results = {}
    say(f"kernels at the chapter 07 shapes (batch 32, 1x28x28 -> 32x26x26 -> 32x13x13), {args.rounds} interleaved rounds ...")
    kernel_ours = {case: [] for case in CNN_KERNELS}
    kernel_torch = {(case, c): [] for case in CNN_KERNELS for c in configs}
    blas = ""  # the BLAS libraries the PyTorch process loaded
    for _ in range(args.rounds):  # each round: ours, then every peer setting, so both see the same machine
        ours = run_google_benchmark(binary, "conv|maxpool", 1)
        for case in CNN_KERNELS:
            kernel_ours[case].append(ours[case])
            for c in configs if peer else []:
                out = run_torch(case, c[0], c[1])
                kernel_torch[(case, c)].append(out["ms"])
                blas = out["blas"]
    for case in CNN_KERNELS:
        results[case] = {"ms": median(kernel_ours[case]),
                         "torch": [{"threads": c[0], "mkldnn": c[1], "ms": median(kernel_torch[(case, c)]), "peer": "pytorch"}
                                   for c in configs if kernel_torch[(case, c)]]}
    say(f"one training epoch (60000 images, batch 32), {args.rounds} interleaved rounds ...")
    epoch_ours, epoch_unfused = [], []
    epoch_torch = {c: [] for c in configs}
    epoch_libtorch = {c: [] for c in configs}
    for _ in range(args.rounds):
        times = run_google_benchmark(binary, "train_epoch_binary", 1)
        epoch_ours.append(times["train_epoch_binary"])
        epoch_unfused.append(times["train_epoch_binary_unfused"])
        for c in configs:
            if peer:
                epoch_torch[c].append(run_torch("train_epoch_binary", c[0], c[1], 1)["ms"])
            if libtorch:
                out = subprocess.run([libtorch, str(c[0]), "1" if c[1] else "0"], capture_output=True, text=True,
                                     env=dict(os.environ, **HEAP_ENV), check=True)
                epoch_libtorch[c].append(json.loads(out.stdout)["ms"])
    peers = [{"threads": c[0], "mkldnn": c[1], "ms": median(v), "peer": "pytorch"}
             for c, v in epoch_torch.items() if v]
    peers += [{"threads": c[0], "mkldnn": c[1], "ms": median(v), "peer": "libtorch"}
              for c, v in epoch_libtorch.items() if v]
    results["train_epoch_binary"] = {"ms": median(epoch_ours), "torch": peers}
    results["train_epoch_binary_unfused"] = {"ms": median(epoch_unfused), "torch": peers}
    for case, r in results.items():
        line = {"case": case, "ms": round(r["ms"], 4)}
        if r["torch"]:
            best = min(r["torch"], key=lambda t: t["ms"])  # the faster peer, at its fastest setting
            line.update({"torch_ms": round(best["ms"], 4), "ratio": round(best["ms"] / r["ms"], 2),
                         "torch_peer": best.get("peer", "pytorch"), "torch_threads": best["threads"],
                         "torch_mkldnn": best["mkldnn"]})
            for name in ("pytorch", "libtorch"):
                mine = [t["ms"] for t in r["torch"] if t.get("peer", "pytorch") == name]
                if mine and case.startswith("train_epoch"):
                    line[f"{name}_ms"] = round(min(mine), 4)
        print(json.dumps(line))
    if blas:
        say(f"PyTorch ran with BLAS: {blas}")
    return 0


# ---------------------------------------------------------------- mutants and the self-test

class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def check(self, ok, name, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed.append(name)
            print(f"  {paint('FAIL', '31')} {name}" + (f": {detail}" if detail else ""), flush=True)
        return ok


def run_mutants(chapters, tally):
    for ch in chapters:
        mutants = grader.load_mutants(ch.name)
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
                        text = grader.apply_mutant(m)
                    except ValueError as e:
                        tally.check(False, name, str(e))
                        continue
                    with open(mutant_src, "w") as f:
                        f.write(text)
                    ok, output = build([target])
                    if not ok:
                        tally.check(False, name, "does not compile: " + grader.first_compiler_error(output))
                        continue
                    results = grader.grade_binary(os.path.join(BUILD, "tests", target), ch, 10.0, JOBS,
                                                  only_exercise=m.exercise)
                    caught = [r.test for r in results if r.status not in ("passed", "held")]  # held: only because another failed
                    if tally.check(bool(results) and bool(caught), name,
                                   f"every {m.exercise} test passed: the tests miss this mistake ({m.description})"):
                        print(f"  {paint('ok', '32')}   {os.path.basename(m.path):<40} caught by {', '.join(caught[:3])}",
                              flush=True)
            finally:
                with open(mutant_src, "w") as f:
                    f.write(reference)


def run_sanitized(chapters, tally):
    debug = os.path.join(ROOT, "build-debug")
    if not os.path.isfile(os.path.join(debug, "build.ninja")):
        proc = subprocess.run(["cmake", "--preset", "debug"], cwd=ROOT, capture_output=True, text=True)
        if not tally.check(proc.returncode == 0, "configure the debug preset", proc.stderr[-1000:]):
            return
    binaries = ["framework_tests"] + [f"graded_{ch.name}_reference" for ch in chapters]
    proc = subprocess.run(["cmake", "--build", debug, "--target", *binaries], capture_output=True, text=True)
    if not tally.check(proc.returncode == 0, "the debug build", grader.first_compiler_error(proc.stdout + proc.stderr)):
        return
    for name in binaries:
        run = subprocess.run([os.path.join(debug, "tests", name)], capture_output=True, text=True, errors="replace")
        report = [l for l in (run.stdout + run.stderr).splitlines() if "ERROR: " in l or "runtime error" in l or "FAILED" in l]
        if tally.check(run.returncode == 0, f"{name} under ASan + UBSan", " | ".join(report[:3])):
            print(f"  {paint('ok', '32')}   {name}")


def run_thread_sanitizer(tally):
    tsan = os.path.join(ROOT, "build-tsan")
    if not os.path.isfile(os.path.join(tsan, "build.ninja")):
        proc = subprocess.run(["cmake", "--preset", "tsan"], cwd=ROOT, capture_output=True, text=True)
        if not tally.check(proc.returncode == 0, "configure the tsan preset", proc.stderr[-1000:]):
            return
    proc = subprocess.run(["cmake", "--build", tsan, "--target", "framework_tests"], capture_output=True, text=True)
    if not tally.check(proc.returncode == 0, "the tsan build", grader.first_compiler_error(proc.stdout + proc.stderr)):
        return
    run = subprocess.run([os.path.join(tsan, "tests", "framework_tests")], capture_output=True, text=True,
                         errors="replace", env=dict(os.environ, WB_THREADS="4", TSAN_OPTIONS="halt_on_error=1"))
    report = [l for l in (run.stdout + run.stderr).splitlines() if "ThreadSanitizer" in l or "FAILED" in l]
    if tally.check(run.returncode == 0, "framework_tests under ThreadSanitizer", " | ".join(report[:3])):
        print(f"  {paint('ok', '32')}   framework_tests, 4 workers, no data race")


def pristine_stubs_build():
    """A build whose learner libraries compile chapters/ as committed (git HEAD): build-stubs/."""
    pristine = os.path.join(ROOT, "build-stubs", "pristine")
    shutil.rmtree(pristine, ignore_errors=True)
    os.makedirs(pristine)
    archive = subprocess.run(["git", "archive", "HEAD", "chapters"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", pristine], input=archive.stdout, check=True)
    build_dir = os.path.join(ROOT, "build-stubs")
    proc = subprocess.run(["cmake", "--preset", "release", "-B", build_dir,
                           f"-DWB_CHAPTERS_DIR={os.path.join(pristine, 'chapters')}"],
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stdout + proc.stderr)
        raise SystemExit("wb: cmake could not configure build-stubs/")
    return build_dir


def chapters_modified():
    proc = subprocess.run(["git", "status", "--porcelain", "--", "chapters"], cwd=ROOT, capture_output=True, text=True)
    return proc.returncode == 0 and proc.stdout.strip() != ""


def cmd_test(_args=None):
    start = time.monotonic()
    tally = Tally()
    chapters = grader.load_chapters()

    say("building everything (framework, both libraries, graded tests, programs) ...")
    ok, output = build(["all"])
    if not tally.check(ok, "the build", grader.first_compiler_error(output)):
        print(f"{tally.passed} passed, {len(tally.failed)} failed")
        return 1

    say("framework unit tests (ctest) ...")
    proc = subprocess.run(["ctest", "--test-dir", BUILD, "-j", str(JOBS), "--output-on-failure"],
                          capture_output=True, text=True)
    summary = re.search(r"(\d+)% tests passed, (\d+) tests failed out of (\d+)", proc.stdout)
    if summary:
        failed, total = int(summary.group(2)), int(summary.group(3))
        tally.passed += total - failed
        for line in proc.stdout.splitlines():
            if re.search(r"\(Failed\)|\(SEGFAULT\)|\(Timeout\)", line):
                tally.check(False, "framework test " + line.split("-", 1)[-1].strip())
        print("  " + summary.group(0))
    else:
        tally.check(False, "ctest", proc.stdout[-2000:] + proc.stderr[-2000:])

    say("the test list the grader reads from the sources is the one the harness registers ...")
    for ch in chapters:
        parsed = sorted((e.exercise, e.test, e.points, e.hint) for e in ch.manifest())
        registered = sorted((r["exercise"], r["test"], r["points"], r["hint"])
                            for r in grader.read_registry(graded_binary(ch, "reference")))
        tally.check(parsed == registered, f"manifest of {ch.name} matches the harness's registry",
                    f"only in the sources: {sorted(set(parsed) - set(registered))[:3]}; "
                    f"only registered: {sorted(set(registered) - set(parsed))[:3]}")

    say("one source of truth: chapter.json, the test sources, the stub files and the README agree ...")
    consistency.check(tally)

    say("the reference must score full marks ...")
    for cr in grade_chapters(chapters, "reference", show=False):
        for t in cr.tests:
            tally.check(t.status == "passed", f"reference {cr.chapter.name} {t.exercise}.{t.test}",
                        f"{grader.STATUS_LABEL[t.status]}: {t.message}")
        print(f"  {cr.chapter.name}: {cr.score} / {cr.max_score} points")

    say("the stubs must score zero, every test 'not attempted' ...")
    stubs_build = BUILD
    if chapters_modified():
        # grade the stubs as committed, not the learner's work in progress
        stubs_build = pristine_stubs_build()
        say(f"chapters/ has local changes: checking the committed stubs (git HEAD) in {os.path.relpath(stubs_build, ROOT)}/")
    for cr in grade_chapters(chapters, "learner", show=False, build_dir=stubs_build):
        tally.check(not cr.compile_error, f"stubs of {cr.chapter.name} compile", cr.compile_error)
        for t in cr.tests:
            tally.check(t.status == "not_attempted", f"stub {cr.chapter.name} {t.exercise}.{t.test}",
                        f"{grader.STATUS_LABEL[t.status]}: {t.message}")
        print(f"  {cr.chapter.name}: {cr.score} / {cr.max_score} points, "
              f"{sum(t.status == 'not_attempted' for t in cr.tests)} of {len(cr.tests)} not attempted")

    say("mutants: each common mistake must fail at least one graded test of its exercise ...")
    run_mutants(chapters, tally)

    say("the grader under attack: each tests/attacks/*.cpp as the learner's softmax.cpp must score 0 ...")
    attacks.run(tally, sys.modules[__name__])

    say("programs (reference kernels, smoke run) ...")
    for ch in chapters:
        program = os.path.join(BUILD, "programs", f"run_{ch.name}_reference")
        if os.path.exists(program):
            out_dir = os.path.join(BUILD, "out-selftest", ch.number)
            os.makedirs(out_dir, exist_ok=True)
            for stale in os.listdir(out_dir):
                os.remove(os.path.join(out_dir, stale))
            proc = subprocess.run([program, out_dir, "--smoke"], capture_output=True, text=True)
            if tally.check(proc.returncode == 0, f"program {ch.name} runs", proc.stderr[-500:]):
                pictures = [f for f in sorted(os.listdir(out_dir)) if f.endswith(".png")]
                broken = [f for f in pictures if open(os.path.join(out_dir, f), "rb").read(8) != b"\x89PNG\r\n\x1a\n"]
                tally.check("metrics.json" in os.listdir(out_dir) and pictures and not broken,
                            f"program {ch.name} writes metrics.json and its PNG pictures",
                            f"wrote {sorted(os.listdir(out_dir))}, not PNG: {broken}")
            if os.path.isfile(os.path.join(out_dir, "weights.wbt")):
                # A training program: the same seed and thread count give the same bits. Four workers, so that
                # partial sums added in arrival order would show (with two, a + b == b + a hides it).
                runs = []
                for k in (1, 2):
                    folder = f"{out_dir}-threads4-{k}"
                    shutil.rmtree(folder, ignore_errors=True)
                    os.makedirs(folder)
                    subprocess.run([program, folder, "--smoke"], capture_output=True, env=dict(os.environ, WB_THREADS="4"))
                    path = os.path.join(folder, "weights.wbt")
                    runs.append(open(path, "rb").read() if os.path.isfile(path) else None)
                tally.check(runs[0] is not None and runs[0] == runs[1],
                            f"program {ch.name} trains to the same bits twice (same seed, 4 threads)",
                            "weights.wbt differs between two runs")

    say("benchmarks (a smoke run: ours builds, runs and reports every kernel case) ...")
    ok, output = build(["bench_cnn"])
    if tally.check(ok, "bench_cnn builds", grader.first_compiler_error(output)):
        try:
            times = run_google_benchmark(os.path.join(BUILD, "bench", "bench_cnn"), "conv|maxpool", 1)
            tally.check(all(times.get(case, 0) > 0 for case in CNN_KERNELS), "bench_cnn reports every kernel case",
                        f"got {times}")
        except (subprocess.CalledProcessError, ValueError, KeyError) as e:
            tally.check(False, "bench_cnn runs", str(e))

    say("sanitizers: framework tests and the reference under AddressSanitizer + UBSan (debug preset) ...")
    run_sanitized(chapters, tally)

    say("ThreadSanitizer: the framework tests, the thread pool's among them, with four workers (tsan preset) ...")
    run_thread_sanitizer(tally)

    say("docs (warnings are errors) ...")
    tally.check(cmd_docs() == 0, "docs build without warnings")

    say(f"self-test finished in {time.monotonic() - start:.0f} s")
    for name in tally.failed:
        print(f"  failed: {name}")
    print(f"{tally.passed} passed, {len(tally.failed)} failed")
    return 0 if not tally.failed else 1


def cmd_attacks(_args=None):
    tally = Tally()
    attacks.run(tally, sys.modules[__name__])
    print(f"{tally.passed} passed, {len(tally.failed)} failed")
    return 0 if not tally.failed else 1


def cmd_mutants(args):
    tally = Tally()
    ok, output = build(["all"])
    if not ok:
        print(grader.first_compiler_error(output))
        return 1
    run_mutants(grader.select_chapters(args.chapters), tally)
    print(f"{tally.passed} passed, {len(tally.failed)} failed")
    return 0 if not tally.failed else 1


def main(argv):
    if not argv or argv[0] in ("help", "-h", "--help"):
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    parser = argparse.ArgumentParser(prog=f"./wb {command}")
    if command == "grade":
        parser.add_argument("chapters", nargs="*")
        parser.add_argument("--solutions", action="store_true", help="grade the reference in solutions/")
        parser.add_argument("--timeout", type=float, default=10.0, help="seconds per test (default 10)")
        parser.add_argument("--course", action="store_true",
                            help="course mode: build from the workbook's own sources with only the submitted exercise "
                                 "files, and run every test in the sandbox (required)")
        parser.add_argument("--submission", help="with --course: the folder holding the submission "
                                                 "(chapters/NN_topic/*.cpp or NN_topic/*.cpp); default: this tree")
        parser.add_argument("--reports", help="where to write results.json and junit.xml (default build/reports)")
        return cmd_grade(parser.parse_args(rest))
    if command == "run":
        parser.add_argument("chapter")
        parser.add_argument("--solutions", action="store_true")
        args, extra = parser.parse_known_args(rest)
        return cmd_run(args, extra)
    if command == "bench":
        parser.add_argument("name")
        parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of ours and the peers (default 3)")
        return cmd_bench(parser.parse_args(rest))
    if command == "mutants":
        parser.add_argument("chapters", nargs="*")
        return cmd_mutants(parser.parse_args(rest))
    commands = {"test": cmd_test, "docs": cmd_docs, "fixtures": cmd_fixtures, "attacks": cmd_attacks}
    if command not in commands:
        print(USAGE)
        return 2
    parser.parse_args(rest)
    return commands[command]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
