"""The workbook's command line (started by ./wb after the package check). ./wb help lists the commands.

Each command lives in its own module: grading in grader.py (with manifest, objcheck, sandbox), the
scoreboard and reports beside it, building in build.py, the self-test in selftest.py, mutants in
mutants.py, the benchmarks in bench/bench_driver.py."""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import autograder  # noqa: E402
import build  # noqa: E402
import classgrade  # noqa: E402
import doctor  # noqa: E402
import drill  # noqa: E402
import handout  # noqa: E402
import learner  # noqa: E402
import learner_inputs  # noqa: E402
import progress  # noqa: E402
import registry  # noqa: E402
import grader  # noqa: E402
import reports  # noqa: E402
import sandbox  # noqa: E402
import scoreboard  # noqa: E402
import selftest  # noqa: E402
from project import BUILD, REPORTS, ROOT, say  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "bench"))
try:
    import bench_driver  # noqa: E402
except ModuleNotFoundError:  # a student handout has no bench/
    bench_driver = None


USAGE = """usage: ./wb COMMAND [ARGS]

  grade [CHAPTER...] [--solutions]   build and grade your workbook (chapters/), or the reference
                                     (solutions/), and print the scoreboard; e.g. ./wb grade 01
  grade --course --submission DIR [--reports OUT]
                                     grade one student's exercise files against the workbook's own
                                     tests, every test contained, and on inputs drawn for
                                     this run matched against the reference (docs/grading.md)
  grade --unseen [CHAPTER...]        your workbook with those unseen-input tests too
  status [CHAPTER...] [-v]           your progress per chapter (passed, attempted, not started, points)
                                     and the next exercise with its file and line
  hint [EXERCISE] [--reset]          the next hint step for an exercise (a nudge, the key idea, the plan
                                     shape by shape); e.g. ./wb hint Softmax; alone, the one you are on
  watch [CHAPTER]                    grade again on every save of a chapter file, showing what changed
  reset EXERCISE                     put an exercise file's stub back; your version is kept beside it
  mock [CHAPTER] [--minutes M]       a timed mock interview: an exercise not yet passed, its contract, a
                                     clock (30 minutes); --submit grades it alone, --history lists them
  drill [CHAPTER|KIND] [--count N]    interview drills with random numbers: conv sizes, parameter counts,
        [--seed S] [--exam] [--choices] receptive fields, KV-cache bytes, IoU, GAN facts; answers from the
        [--json] [--sheet FILE.md]      framework's own layers; a wrong answer named if it is a known mistake
  doctor                             check what the workbook needs here, with the command that fixes it
  handout DIR                        (teachers) a student copy: stubs, pages, docs and visible tests; no
                                     solutions, mutants, attacks, benchmarks or hidden tests
  grade-class SUBMISSIONS --out gradebook.csv [CHAPTER...] [--jobs N]
                                     (teachers) grade a class: one folder, .zip or .tar.gz per student,
                                     each in its own build tree; the CSV, each student's results.json,
                                     a summary and a histogram (docs/teaching.md)
  autograder --out autograder.zip [CHAPTER...]
                                     (teachers) a Gradescope autograder: setup.sh, run_autograder and
                                     the workbook with its hidden tests, without solutions
  run CHAPTER [--solutions] [ARGS]   run a chapter's program with your kernels, e.g. ./wb run 01
  test                               the whole self-test: framework tests, reference full marks,
                                     stubs zero, every mutant rejected, the grader under attack,
                                     sanitizers, docs without warnings
  docs                               build the documentation site into build/docs/html
  mutants [CHAPTER...]               only the mutant part of the self-test
  attacks                            only the grader-under-attack part of the self-test
  fixtures                           regenerate the PyTorch golden tensors (tests/fixtures/)
  inputs                             rewrite which fixture tensors a chapter's learner process is
                                     given (tests/graded/NN_topic/learner_inputs.json)
  bench cnn [--rounds N]             chapter 07 kernels and one training epoch against PyTorch:
                                     one JSON line per case with ms, torch_ms and their ratio
  bench lstm | attention | gan       chapter 03's LSTM, chapter 01's multi-head attention (forward
                                     + backward), one step of chapter 08's GAN, against PyTorch and
                                     libtorch, the same way
  bench transformer                  chapter 09's GPT: one training step, and decoding with the KV
                                     cache, against PyTorch and libtorch
  bench diffusion                    chapter 10's denoising U-Net: one training step (batch 64),
                                     against PyTorch and libtorch
  bench tokenizer                    chapter 11's byte-level BPE: training and encoding run 11's
                                     English text, against a pure-Python reference (same output)
  help                               this text

CHAPTER: 01, 1, 01_attention or attention. Reports: build/reports/results.json (Gradescope)
and build/reports/junit.xml."""


def cmd_grade(args):
    if args.solutions:
        handout.require_workbook("./wb grade --solutions")
    flavour = "reference" if args.solutions else "learner"
    chapters = registry.select_chapters(args.chapters)
    report_dir = os.path.abspath(args.reports) if args.reports else REPORTS
    reports.remove_reports(report_dir)
    start = time.monotonic()
    build_dir, level = BUILD, sandbox.level()
    if args.course:
        if args.solutions:
            raise SystemExit("wb: --course grades a submission; --solutions grades the reference")
        if level == "none":
            raise SystemExit("wb: course mode contains every test (bubblewrap, or as root a user id of its own), "
                             "and neither works here: run it as root, or apt-get install bubblewrap")
        build_dir = grader.course_build(os.path.abspath(args.submission or ROOT),
                                        os.path.abspath(args.build_dir) if args.build_dir else None)
    if level != "bwrap":
        say(f"tests run contained by {sandbox.describe(level)}; bubblewrap would hide the tree from them")
    unseen = (args.course or args.unseen) and grader.reference_available()
    if args.unseen and not unseen:
        raise SystemExit("wb: --unseen matches your code against the reference, which is not here (a handout)")
    if args.course and not unseen:
        say("course mode without the reference (a handout): only the handout's fixed cases are graded, no unseen inputs")
    results = grader.grade_chapters(chapters, flavour, args.timeout, build_dir=build_dir, level=level, unseen=unseen)
    shown = os.path.relpath(report_dir, ROOT) + "/" if report_dir.startswith(ROOT + os.sep) else report_dir
    scoreboard.print_scoreboard(results, flavour, shown)
    reports.write_reports(results, report_dir, time.monotonic() - start)
    if args.classroom:
        reports.write_classroom_output(results, report_dir)
    if flavour == "learner" and not args.course:  # ./wb status and ./wb watch read it
        progress.record_grades(results, scoreboard.exercise_state)
    say(f"graded in {time.monotonic() - start:.1f} s")
    return 0  # grading ran: the score is in the report, not the exit code


def classifier_weights():
    """The chapter 07 10-class classifier whose features score chapter 08's generator: trained once with the
    reference kernels (2 epochs, about 89% test accuracy), cached in build/cache/classifier07/."""
    folder = os.path.join(BUILD, "cache", "classifier07")
    path = os.path.join(folder, "weights.wbt")
    if os.path.isfile(path):
        return path
    say("training the chapter 07 classifier that scores the generator (reference kernels, 2 epochs, once) ...")
    ok, output = build.build(["run_07_cnn_program_reference"])
    if not ok:
        print(build.first_compiler_error(output))
        raise SystemExit("wb: the chapter 07 reference program does not build")
    os.makedirs(folder, exist_ok=True)
    proc = subprocess.run([os.path.join(BUILD, "programs", "run_07_cnn_program_reference"), folder, "--task", "10class",
                           "--epochs", "2"])
    if proc.returncode != 0 or not os.path.isfile(path):
        raise SystemExit(f"wb: the classifier for chapter 08's quality score did not train (see above); {path} is missing")
    return path


def cmd_run(args, extra):
    if extra[:1] == ["--"]:  # ./wb run 07 -- --epochs 2: everything after -- is the program's
        extra = extra[1:]
    if args.solutions:
        handout.require_workbook("./wb run --solutions")
    ch = registry.select_chapters([args.chapter])[0]
    flavour = "reference" if args.solutions else "learner"
    target = f"run_{ch.name}_{flavour}"
    out_dir = os.path.join(BUILD, "out", ch.number)
    for variant in ("--like-the-source", "--plain-discriminator"):  # chapter 08's comparison runs keep the main run
        if variant in extra:
            out_dir = os.path.join(out_dir, variant[2:])
    twin = None
    if ch.number == "09" and "--twin" in extra:  # the program writes the twin's data; the twin runs after it
        twin = os.path.join(out_dir, "twin")
        extra = [a for a in extra if a != "--twin"] + ["--twin", twin]
    # The flags first, parsed as the program will parse them (programs/flags.cpp): a mistyped flag or --help
    # answers in a second, before the program and the learner's code it links are built.
    ok, output = build.build(["program_flags"])
    if not ok:
        print(build.first_compiler_error(output))
        raise SystemExit("wb: the workbook's flag checker does not build (programs/flags.cpp); please report it")
    if subprocess.run([os.path.join(BUILD, "programs", "program_flags"), ch.number, out_dir, *extra]).returncode != 0:
        return 2
    if "--help" in extra or "-h" in extra:
        return 0
    say(f"building {target} ...")
    ok, output = build.build([target])
    if not ok:
        print(build.first_compiler_error(output))
        raise SystemExit(f"wb: chapter {ch.name} does not compile yet; ./wb grade {ch.number} shows what is missing")
    os.makedirs(out_dir, exist_ok=True)
    if ch.number in ("08", "10") and "--classifier" not in extra and "--smoke" not in extra:
        extra = [*extra, "--classifier", classifier_weights()]
    metrics = os.path.join(out_dir, "metrics.json")
    started = time.time()
    proc = subprocess.run([os.path.join(BUILD, "programs", target), out_dir, *extra])
    if 100 <= proc.returncode <= 127:  # CLI11's codes: a bad flag, which the program named in one line
        return 2
    if proc.returncode == 3 and flavour == "learner":  # the programs' exit code for a stub met on the way
        say(f"the program stopped at an exercise that is still a stub; ./wb grade {ch.number} shows which are left")
    elif proc.returncode != 0 and flavour == "learner":
        say(f"the program stopped (exit code {proc.returncode}); if it names one of your functions, "
            f"./wb grade {ch.number} checks it")
    wrote_metrics = proc.returncode == 0 and os.path.isfile(metrics) and os.path.getmtime(metrics) >= started - 1
    if wrote_metrics and twin:
        run_twin(twin, metrics)
    if wrote_metrics and ch.number == "10":
        keep_sweep(out_dir, metrics)
    # charts only from a metrics.json this run wrote (not after --help, not from an earlier run)
    if wrote_metrics:
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "charts.py"), ch.number, out_dir])
    return proc.returncode


def keep_sweep(folder, metrics_path):
    """Chapter 10's quality-against-steps sweep (--sweep) of each objective, kept in sweep.json beside metrics.json:
    the eps and the flow models train in separate runs and the chart shows both."""
    with open(metrics_path) as f:
        metrics = json.load(f)
    if not metrics.get("sweep"):
        return
    path = os.path.join(folder, "sweep.json")
    sweeps = {}
    if os.path.isfile(path):
        with open(path) as f:
            sweeps = json.load(f)
    sweeps[metrics["objective"]] = metrics["sweep"]
    with open(path, "w") as f:
        json.dump(sweeps, f, indent=2)


def run_twin(folder, metrics_path):
    """Chapter 09's PyTorch twin on the data run_09 --twin wrote: its validation losses go into metrics.json
    ("twin") beside ours, and one line compares the last two."""
    say("training the PyTorch twin on the same initial weights and batches ...")
    proc = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "programs", "09_transformer", "twin_torch.py"), folder],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        say(f"the PyTorch twin did not run (is python3-torch installed?): {proc.stderr.strip().splitlines()[-1:]}")
        return
    twin = json.loads(proc.stdout.strip().splitlines()[-1])
    with open(metrics_path) as f:
        metrics = json.load(f)
    metrics["twin"] = twin
    with open(metrics_path, "w") as f:
        json.dump(metrics, f, indent=2)
    ours, theirs = metrics["epochs"][-1]["val_loss"], twin["epochs"][-1]["val_loss"]
    say(f"validation loss after {len(twin['epochs'])} epoch(s): ours {ours:.4f}, the PyTorch twin's {theirs:.4f} "
        f"({100 * (ours - theirs) / theirs:+.1f}%)")


def cmd_docs(_args=None):
    return build.build_docs()


def cmd_fixtures(_args=None):
    scripts = sorted(p for p in glob.glob(os.path.join(ROOT, "tools", "fixtures", "*.py"))
                     if os.path.basename(p) != "wbt.py")
    for script in scripts:
        say(f"running {os.path.relpath(script, ROOT)} ...")
        if subprocess.run(["/usr/bin/python3", script]).returncode != 0:
            return 1
    return 0


def cmd_inputs(_args=None):
    """Rewrites tests/graded/NN_topic/learner_inputs.json of every chapter (tools/learner_inputs.py)."""
    for ch in registry.load_chapters():
        build.build([f"graded_{ch.name}_reference"])
        plan = learner_inputs.collect(ch, build.graded_binary(ch, "reference"), ch.manifest())
        learner_inputs.write_plan(ch, plan)
        say(f"{os.path.relpath(learner_inputs.plan_path(ch), ROOT)}: "
            f"{sum(len(k) for k in plan.values())} input tensors of {len(plan)} fixtures")
    return 0


def parser():
    """The commands and their options (./wb help prints USAGE, the short version)."""
    p = argparse.ArgumentParser(prog="./wb", add_help=False)
    sub = p.add_subparsers(dest="command", required=True)
    grade = sub.add_parser("grade", help="build and grade")
    grade.add_argument("chapters", nargs="*")
    grade.add_argument("--solutions", action="store_true", help="grade the reference in solutions/")
    grade.add_argument("--timeout", type=float, default=10.0, help="seconds per test (default 10)")
    grade.add_argument("--unseen", action="store_true",
                       help="also run the unseen-input tests, as course mode does: inputs drawn for this run, matched "
                            "against the reference (the teacher's workbook only)")
    grade.add_argument("--course", action="store_true",
                       help="course mode: build from the workbook's own sources with only the submitted exercise "
                            "files, and run every test contained (required)")
    grade.add_argument("--submission", help="with --course: the folder holding the submission "
                                            "(chapters/NN_topic/*.cpp or NN_topic/*.cpp); default: this tree")
    grade.add_argument("--reports", help="where to write results.json and junit.xml (default build/reports)")
    grade.add_argument("--classroom", action="store_true",
                       help="also hand the points to GitHub Classroom's reporter (the handout's workflow uses it)")
    grade.add_argument("--build-dir", help="with --course: the build tree to use (default build-course/; "
                                           "./wb grade-class gives each student one of their own)")
    grade.set_defaults(run=cmd_grade)
    klass = sub.add_parser("grade-class", help="grade a class of submissions")
    klass.add_argument("submissions")
    klass.add_argument("chapters", nargs="*")
    klass.add_argument("--out", required=True, help="the CSV gradebook to write; the reports go in a folder beside it")
    klass.add_argument("--jobs", type=int, help="students graded at once (default: the number of cores)")
    klass.add_argument("--timeout", type=float, default=10.0, help="seconds per test (default 10)")
    klass.add_argument("--student-timeout", type=float, default=1800.0,
                       help="seconds for one student's whole grading, build included (default 1800)")
    klass.add_argument("--keep-builds", action="store_true", help="keep each student's build tree in build-class/")
    klass.set_defaults(run=classgrade.cmd_grade_class)
    made_autograder = sub.add_parser("autograder", help="a Gradescope autograder zip")
    made_autograder.add_argument("chapters", nargs="*")
    made_autograder.add_argument("--out", required=True, help="the zip to write")
    made_autograder.set_defaults(run=autograder.cmd_autograder)
    run = sub.add_parser("run", help="a chapter's program", add_help=False)  # --help goes to the program
    run.add_argument("chapter")
    run.add_argument("--solutions", action="store_true")
    run.set_defaults(run=cmd_run, passes_extra=True)
    bench = sub.add_parser("bench", help="benchmarks against PyTorch")
    bench.add_argument("name")
    bench.add_argument("--rounds", type=int, default=3, help="interleaved rounds of ours and the peers (default 3)")
    bench.set_defaults(run=lambda args: bench_driver.cmd_bench(args))
    status = sub.add_parser("status", help="progress per chapter and the next exercise")
    status.add_argument("chapters", nargs="*")
    status.add_argument("-v", "--verbose", action="store_true", help="every exercise of every chapter")
    status.set_defaults(run=learner.cmd_status)
    hint = sub.add_parser("hint", help="the next hint step of an exercise")
    hint.add_argument("exercise", nargs="?", help="an exercise, e.g. Softmax (default: the one you are working on)")
    hint.add_argument("--reset", action="store_true", help="forget the steps shown")
    hint.set_defaults(run=learner.cmd_hint)
    reset = sub.add_parser("reset", help="put an exercise's stub back")
    reset.add_argument("exercise")
    reset.set_defaults(run=learner.cmd_reset)
    watch = sub.add_parser("watch", help="grade again on every save")
    watch.add_argument("chapter", nargs="?")
    watch.add_argument("--interval", type=float, default=0.5, help="seconds between looks at the files")
    watch.add_argument("--timeout", type=float, default=10.0, help="seconds per test (default 10)")
    watch.add_argument("--rounds", type=int, help="stop after this many gradings")
    watch.add_argument("--stop-after", type=float, help="stop after this many seconds")
    watch.set_defaults(run=learner.cmd_watch)
    mock = sub.add_parser("mock", help="a timed mock interview on one exercise")
    mock.add_argument("chapter", nargs="?")
    mock.add_argument("--minutes", type=int, default=30, help="the time limit (default 30)")
    mock.add_argument("--exercise", help="practise this exercise instead of a random open one")
    mock.add_argument("--submit", action="store_true", help="grade the running mock interview's exercise")
    mock.add_argument("--abandon", action="store_true", help="drop the running mock interview")
    mock.add_argument("--history", action="store_true", help="list past mock interviews")
    mock.add_argument("--timeout", type=float, default=10.0, help="seconds per test (default 10)")
    mock.set_defaults(run=learner.cmd_mock)
    drills = sub.add_parser("drill", help="interview drills")
    drills.add_argument("topic", nargs="?", help="a chapter (01, 04, ...) or a kind (conv_output, lstm_params, ...)")
    drills.add_argument("--count", type=int, default=5, help="questions (default 5; --exam: 10)")
    drills.add_argument("--seed", type=int, help="the same seed gives the same questions")
    drills.add_argument("--exam", action="store_true", help="10 questions, timed, answers at the end")
    drills.add_argument("--choices", action="store_true", help="numeric questions as multiple choice")
    drills.add_argument("--json", action="store_true", help="print the questions with their answers as JSON")
    drills.add_argument("--sheet", help="write a printable sheet to FILE.md and its answer key to FILE-answers.md")
    drills.set_defaults(run=drill.cmd_drill)
    sub.add_parser("doctor", help="check the machine").set_defaults(run=doctor.cmd_doctor)
    made = sub.add_parser("handout", help="a student copy of the workbook")
    made.add_argument("dir")
    made.set_defaults(run=handout.cmd_handout)
    mutants = sub.add_parser("mutants", help="only the mutant check")
    mutants.add_argument("chapters", nargs="*")
    mutants.set_defaults(run=selftest.cmd_mutants)
    for name, function in [("test", selftest.cmd_test), ("docs", cmd_docs), ("fixtures", cmd_fixtures), ("inputs", cmd_inputs),
                           ("attacks", selftest.cmd_attacks)]:
        sub.add_parser(name).set_defaults(run=function)
    return p


COMMANDS = ("grade", "grade-class", "autograder", "drill", "run", "bench", "mutants", "test", "docs", "fixtures", "inputs", "attacks", "status", "hint", "watch",
            "reset", "doctor", "mock", "handout")
TEACHER_ONLY = ("bench", "mutants", "attacks", "fixtures", "inputs", "grade-class", "autograder")  # solutions/ or hidden tests: not in a handout


def main(argv):
    if not argv or argv[0] in ("help", "-h", "--help"):
        print(USAGE)
        return 0
    if argv[0] not in COMMANDS:
        print(USAGE)
        return 2
    if argv[0] in TEACHER_ONLY:
        handout.require_workbook(f"./wb {argv[0]}")
    p = parser()
    args, extra = p.parse_known_args(argv)
    if getattr(args, "passes_extra", False):
        return args.run(args, extra)
    if extra:
        p.error(f"unrecognized arguments: {' '.join(extra)}")
    return args.run(args)


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (./wb status | head): no traceback, and Python's own flush at exit must not
        # complain either, so stdout goes to /dev/null from here.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 141  # as a shell reports a process ended by SIGPIPE
    sys.exit(code)
