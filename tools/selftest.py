"""./wb test: the workbook's whole self-test. Ends with the line 'N passed, N failed'."""
import glob
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time

import attacks
import browser
import build
import consistency
import grader
import learner_inputs
import handout
import manifest
import mutants
import page_code
import quoted_numbers
import scoreboard
import registry
import reports
from project import BUILD, JOBS, ROOT, paint, say

sys.path.insert(0, os.path.join(ROOT, "bench"))
try:
    import bench_driver  # noqa: E402
except ModuleNotFoundError:  # a student handout has no bench/
    bench_driver = None


# Programs' switches that change how they train, each smoke-run too, with the metrics.json key that must show it.
PROGRAM_VARIANTS = {"08": {"--like-the-source": ("like_the_source", True), "--plain-discriminator": ("minibatch_stddev", False),
                           "--mmd-lr=0": ("mmd_learning_rate", 0.0), "--recipe=dcgan": ("recipe", "dcgan")},
                    "10": {"--objective=flow": ("objective", "flow")},
                    "11": {"--precision=bf16": ("precision", "bf16"), "--optimizer=adam-l2": ("optimizer", "adam-l2"),
                           "--accumulate=3": ("accumulate", 3), "--checkpoint=1": ("checkpoint", 1)}}


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


def check_learner_tools(tally):
    """./wb status, hint, reset and mock as a learner meets them, on a clone of HEAD (no build needed): states
    read from the files, hint steps that advance and are remembered, a stub put back with the learner's file
    kept, a mock interview started and dropped; the verdict of ./wb mock --submit and ./wb watch's comparison
    of two gradings on made-up results; ./wb doctor on this machine."""
    import learner
    root = os.path.join(BUILD, "learner-selftest")
    shutil.rmtree(root, ignore_errors=True)
    pristine_copy(root)
    wb = os.path.join(root, "wb")
    run = lambda *a: subprocess.run([wb, *a], cwd=root, capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))

    out = run("status", "01")
    tally.check(out.returncode == 0 and re.search(r"0 passed · 0 attempted · 8 not started", out.stdout) and
                "next: Softmax (01)" in out.stdout and "chapters/01_attention/softmax.cpp:" in out.stdout,
                "./wb status on untouched stubs: nothing started, the next exercise with its file and line",
                out.stdout[-800:] + out.stderr[-400:])
    gru = os.path.join(root, "chapters", "03_lstm", "gru_cell.cpp")
    untouched = open(gru).read()
    with open(gru, "w") as f:  # the stub's throw replaced: an attempt
        f.write(untouched.replace('throw NotImplemented("gru_cell_forward");', "return {};"))
    working = run("status")
    with open(gru, "w") as f:
        f.write(untouched)
    tally.check("next: GruCellForward (03)" in working.stdout,
                "./wb status suggests the exercise being worked on (chapter 03), not chapter 01's first",
                working.stdout[-400:])
    upper, unknown = run("status", "ATTENTION"), run("status", "nosuch")
    tally.check(upper.returncode == 0 and "Softmax" in upper.stdout and unknown.returncode == 2
                and unknown.stderr.strip().count("\n") == 0 and "no chapter 'nosuch'" in unknown.stderr,
                "a chapter's name in any case; an unknown one is one line and exit code 2",
                upper.stdout[-300:] + unknown.stderr[-300:])
    closed = subprocess.Popen([wb, "status"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    closed.stdout.close()  # the reader is gone before anything is written, as with ./wb status | head
    complaint = closed.stderr.read().decode(errors="replace")
    closed.wait()
    tally.check("Traceback" not in complaint and "BrokenPipe" not in complaint, "./wb status into a closed pipe: no traceback",
                complaint[-500:])
    # one build at a time per tree: a second builder waits, naming the first (./wb watch beside ./wb grade)
    hold = ("import sys, time; sys.argv = ['wb.py', 'watch', '03']; sys.path.insert(0, 'tools'); import build\n"
            "with build.build_lock():\n    print('holding', flush=True); time.sleep(2)")
    holder = subprocess.Popen([sys.executable, "-c", hold], cwd=root, stdout=subprocess.PIPE, text=True)
    holder.stdout.readline()
    began = time.monotonic()
    second = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, 'tools'); import build\n"
                             "with build.build_lock(): print('built')"], cwd=root, capture_output=True, text=True, errors="replace")
    waited = time.monotonic() - began
    holder.wait()
    tally.check("./wb watch 03" in second.stdout and "waiting" in second.stdout and second.stdout.rstrip().endswith("built")
                and waited > 1.0, "a second build in the same tree waits for the first, naming it",
                f"waited {waited:.1f} s: {second.stdout[-300:]}{second.stderr[-300:]}")

    # a package installed by hand after the build was configured (libtorch-dev) makes the next command configure again
    configured, installed = os.path.join(root, "configured-stamp"), os.path.join(root, "dpkg-status")
    for path, when in ((configured, 1000), (installed, 2000)):
        with open(path, "w"):
            pass
        os.utime(path, (when, when))
    saved, build.DPKG_STATUS = build.DPKG_STATUS, installed
    try:
        newer, older = build.packages_changed_since(configured), build.packages_changed_since(installed)
    finally:
        build.DPKG_STATUS = saved
    tally.check(newer and not older, "a Debian package installed after the last configure triggers a new configure",
                f"{newer} {older}")

    exercise_file = os.path.join(root, "chapters", "01_attention", "softmax.cpp")
    stub = open(exercise_file).read()
    solution = open(os.path.join(ROOT, "tests", "graded", "01_attention", "01_softmax_test.cpp")).read()  # any other text
    with open(exercise_file, "w") as f:
        f.write(solution)
    out = run("status", "01")
    tally.check(re.search(r"Softmax\s.*edited, not graded yet", out.stdout) is not None and "0 passed · 2 attempted" in out.stdout,
                "./wb status sees an edited exercise file (softmax.cpp holds two exercises)", out.stdout[-800:])

    shown = [run("hint", "softmax").stdout for _ in range(4)]
    steps = [re.search(r"hint (\d) of 3", s) for s in shown]
    third = [re.search(r"^\s+3\. the plan", s, re.M) is not None for s in shown]
    tally.check([m.group(1) if m else None for m in steps] == ["1", "2", "3", "3"] and "1. a nudge" in shown[0] and
                third == [False, False, True, True],
                "./wb hint shows one more step each time, then stays at the last", " | ".join(s[:200] for s in shown))
    os.remove(os.path.join(root, ".wb-progress.json"))
    again = run("hint", "Softmax").stdout
    tally.check("hint 1 of 3" in again, "./wb hint starts again when the progress file is deleted", again[:300])
    current = run("hint")  # softmax.cpp is edited and not graded: Softmax is the exercise being worked on
    tally.check(current.returncode == 0 and "the current exercise: Softmax" in current.stderr + current.stdout
                and "hint 2 of 3" in current.stdout, "./wb hint alone gives the next step of the current exercise",
                current.stdout[-300:] + current.stderr[-300:])
    unknown = run("hint", "Softmx")
    tally.check(unknown.returncode != 0 and "no exercise 'Softmx'" in unknown.stderr, "./wb hint names an unknown exercise",
                unknown.stderr[-300:])

    out = run("reset", "Softmax")
    backups = [f for f in os.listdir(os.path.dirname(exercise_file)) if f.startswith("softmax.cpp.bak-")]
    kept = open(os.path.join(os.path.dirname(exercise_file), backups[0])).read() if backups else ""
    tally.check(out.returncode == 0 and open(exercise_file).read() == stub and
                kept == solution and
                "MaskedSoftmax" in out.stdout and "kept in" in out.stdout,
                "./wb reset puts the stub back, keeps the learner's file and names the other exercise of the file",
                out.stdout[-500:] + out.stderr[-300:])
    out = run("reset", "Softmax")
    tally.check("already the stub" in out.stdout, "./wb reset on a stub changes nothing", out.stdout[-300:])
    with open(exercise_file, "w") as f:  # both exercises of softmax.cpp written: resetting one keeps the other
        f.write(stub.replace('throw NotImplemented("softmax");', "return x;  // mine")
                    .replace('throw NotImplemented("masked_softmax");', "return scores;  // mine too"))
    out = run("reset", "Softmax")
    after = open(exercise_file).read()
    tally.check('throw NotImplemented("softmax");' in after and "return scores;  // mine too" in after
                and "return x;  // mine" not in after and "kept as you wrote it" in out.stdout,
                "./wb reset of one exercise keeps the other exercise of its file", out.stdout[-300:] + after[:600])
    with open(exercise_file, "w") as f:
        f.write(stub)

    out = run("mock", "01", "--exercise", "Softmax", "--minutes", "20")
    running = run("mock")
    during = open(exercise_file).read()
    tally.check("m = the row's max" not in during and "Worked example: [1000, 1000]" in during
                and "(mock interview): write it to the contract in softmax.hpp" in during
                and "m = max over allowed s only" in during,
                "a mock hides the stub's recipe of its exercise (the worked example stays; the partner's TODO too)",
                during[:900])
    withheld = run("hint", "Softmax")
    tally.check(withheld.returncode != 0 and "no hints until" in withheld.stderr and "hint 1 of" not in withheld.stdout,
                "./wb hint is refused while a mock interview runs", withheld.stdout[-300:] + withheld.stderr[-300:])
    run("mock", "--abandon")
    history = run("mock", "--history")
    tally.check("Mock interview: Softmax" in out.stdout and "softmax.hpp" in out.stdout and "hint" not in out.stdout.lower().replace("no hints", "")
                and "a mock interview is running: 01_attention/Softmax" in running.stdout and "abandoned" in history.stdout,
                "./wb mock shows the contract without hints, keeps the running interview, and its history",
                out.stdout[:300] + running.stdout[-200:] + history.stdout[-200:])
    passed = lambda name: grader.TestResult("01_attention", "Softmax", name, 2, "", "passed")
    failed = grader.TestResult("01_attention", "Softmax", "Stable", 3, "", "failed", "expected 1, got inf")
    solved, line = learner.mock_verdict([passed("A"), passed("B")], 754, 30)
    unsolved, why = learner.mock_verdict([passed("A"), failed], 1900, 30)
    tally.check(solved and "12:34, within the 30 minutes: 4 / 4" in line and not unsolved and
                "over the 30 minutes" in why and "Stable: expected 1, got inf" in why,
                "./wb mock --submit's verdict: time against the limit and the first failing check", f"{line} | {why}")

    # the mock's pick: while GruCellForward fails, GruCellBackward (same file, its tests run the forward) is never it
    import random
    lstm = registry.select_chapters(["03"])[0]
    far_future = time.time() + 10 ** 8  # records newer than any file: the states come from them
    recorded = {progress_key: {"state": "done", "points": 1, "max": 1, "graded_at": far_future, "first_failure": ""}
                for progress_key in (f"{lstm.name}/{ex['id']}" for ex in lstm.exercises)}
    recorded[f"{lstm.name}/GruCellForward"].update(state="failing", points=0)
    recorded[f"{lstm.name}/GruCellBackward"].update(state="failing", points=0)
    picks = {learner.pick_mock_exercise([lstm], recorded, None, random.Random(seed))[1]["id"] for seed in range(40)}
    tally.check(picks == {"GruCellForward"}, "./wb mock never picks an exercise whose earlier partner in the file fails",
                f"picked {sorted(picks)}")

    # watch's comparison, on two made-up gradings of one chapter
    chapter = registry.select_chapters(["01"])[0]
    test = lambda name, status: grader.TestResult("01_attention", "Softmax", name, 2, "", status)
    before = grader.ChapterResult(chapter, [test("A", "failed"), test("B", "passed"), test("C", "not_attempted")])
    after = grader.ChapterResult(chapter, [test("A", "passed"), test("B", "failed"), test("C", "not_attempted")])
    gained, lost, old, new = learner.changes(before, after)
    tally.check([g[1] for g in gained] == ["A"] and [l[1] for l in lost] == ["B"] and (old, new) == (2, 2),
                "./wb watch reports the newly passing and the newly failing tests", f"{gained} {lost} {old} {new}")

    # editors: clangd's compile database covers the exercise files; the VS Code task's problem matcher finds
    # file and line in the scoreboard's lines for a failing check
    import io
    import contextlib
    clangd = open(os.path.join(ROOT, ".clangd")).read()
    database = os.path.join(ROOT, re.search(r"CompilationDatabase: (\S+)", clangd).group(1), "compile_commands.json")
    covered = {e["file"] for e in json.load(open(database))} if os.path.isfile(database) else set()
    tally.check(os.path.join(ROOT, "chapters", "01_attention", "softmax.cpp") in covered,
                ".clangd points at a compile database that covers the exercise files", f"{database}: {len(covered)} files")
    tasks_text = re.sub(r"^\s*//.*$", "", open(os.path.join(ROOT, ".vscode", "tasks.json")).read(), flags=re.M)
    tasks = {t["label"]: t for t in json.loads(tasks_text)["tasks"]}
    matcher = next(m for m in tasks["grade this chapter"]["problemMatcher"] if m.get("owner") == "wb")
    failing = grader.TestResult("01_attention", "Softmax", "Stable", 3, "a hint", "failed", "expected 1, got inf")
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        scoreboard.print_scoreboard([grader.ChapterResult(chapter, [failing])], "learner")
    # a failing forward is named on its backward's line (same file), as the likely cause
    backward = grader.TestResult("01_attention", "MaskedSoftmax", "Rows", 2, "a hint", "failed", "row 0 differs")
    with contextlib.redirect_stdout(shown):
        scoreboard.print_scoreboard([grader.ChapterResult(chapter, [failing, backward])], "learner")
    tally.check(re.search(r"MaskedSoftmax .*Softmax \(same file\) fails too, the likely cause", shown.getvalue()) is not None,
                "the scoreboard names a failing earlier exercise of the same file on the later one's line",
                shown.getvalue()[-800:])
    lines, found = shown.getvalue().splitlines(), None
    patterns = [re.compile(p["regexp"]) for p in matcher["pattern"]]
    for i in range(len(lines) - 2):
        got = [patterns[k].search(lines[i + k]) for k in range(3)]
        if all(got) and found is None:
            found = (got[0].group(1), got[2].group(1), got[2].group(2))
    tally.check(set(tasks) == {"grade this chapter", "watch"} and found is not None
                and found[1] == "chapters/01_attention/softmax.cpp" and "Stable (3 pts" in found[0],
                ".vscode/tasks.json: its problem matcher finds a failing check's file and line in ./wb grade's output",
                f"{found}: {shown.getvalue()[-600:]}")

    out = subprocess.run([os.path.join(ROOT, "wb"), "doctor"], capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))
    tally.check(out.returncode == 0 and "everything ./wb grade needs is here" in out.stdout and "Fashion-MNIST" in out.stdout,
                "./wb doctor finds everything on this machine", out.stdout[-800:])
    shutil.rmtree(root, ignore_errors=True)


def check_drills(tally):
    import drill
    problems = drill.self_check(200)
    for p in problems[:20]:
        tally.check(False, "drill", p)
    tally.check(not problems, f"drills: {len(drill.GENERATORS)} kinds x 200 seeds agree with the framework",
                f"{len(problems)} problems")
    folder = tempfile.mkdtemp(prefix="wb-drill-selftest-")
    wb = ["/usr/bin/python3", os.path.join(ROOT, "tools", "wb.py"), "drill"]
    runs = [subprocess.run(wb + ["--json", "--count", "12", "--seed", "7"], capture_output=True, text=True, errors="replace") for _ in (1, 2)]
    qs = json.loads(runs[0].stdout) if runs[0].returncode == 0 else []
    tally.check(len(qs) == 12 and runs[0].stdout == runs[1].stdout and all("answer" in q for q in qs),
                "./wb drill --json: 12 questions with answers, the same for the same seed", runs[0].stderr[-300:])
    sheet = os.path.join(folder, "sheet.md")
    made = subprocess.run(wb + ["--sheet", sheet, "--count", "6", "--seed", "3"], capture_output=True, text=True, errors="replace")
    key = os.path.join(folder, "sheet-answers.md")
    tally.check(made.returncode == 0 and os.path.isfile(sheet) and os.path.isfile(key)
                and open(sheet).read().count("Answer: ") == 6 and "Answer key" in open(key).read(),
                "./wb drill --sheet writes a sheet of 6 and its answer key", made.stderr[-300:])
    # a session on a copy of the progress file: the answers typed are the known answers of the same seed
    progress_file = os.path.join(folder, "progress.json")
    env = dict(os.environ, WB_PROGRESS=progress_file, NO_COLOR="1")
    planned = json.loads(subprocess.run(wb + ["--json", "--count", "1", "--seed", "5", "conv_params"],
                                        capture_output=True, text=True, errors="replace").stdout)[0]
    session = subprocess.run(wb + ["conv_params", "--count", "1", "--seed", "5"], input=f"{planned['answer']}\n",
                             capture_output=True, text=True, env=env)
    wrong = subprocess.run(wb + ["conv_params", "--count", "1", "--seed", "5"],
                           input=f"{planned['mistakes'][0]['value']}\n", capture_output=True, text=True, env=env)
    exam = subprocess.run(wb + ["--exam", "--seed", "4"], input="\n" * 10, capture_output=True, text=True, env=env)
    history = json.load(open(progress_file)).get("drill", {}) if os.path.isfile(progress_file) else {}
    tally.check("exam: 0/10 right" in exam.stdout and len(history.get("exams", [])) == 1
                and exam.stdout.count("[") >= 10, "./wb drill --exam: ten questions, a report, kept in the history",
                exam.stdout[-400:])
    tally.check("1/1 right" in session.stdout and "known mistake" in wrong.stdout
                and history.get("kinds", {}).get("conv_params", {}).get("box") == 1 and history.get("session") == 3,
                "./wb drill: a right answer counts, a known mistake is named, the history sends the missed kind back",
                session.stdout[-400:] + wrong.stdout[-400:] + str(history))
    # with a seed, a session asks what --json lists for that seed, whatever the history; unparsable replies are
    # asked again, a blank one is skipped (not wrong); a count below 1 is one line and exit code 2
    listed = json.loads(subprocess.run(wb + ["--json", "--count", "3", "--seed", "11"], capture_output=True, text=True, errors="replace").stdout)
    asked = subprocess.run(wb + ["--count", "3", "--seed", "11"], input="abc\nzz\n\n\n\n\n", capture_output=True,
                           text=True, env=env)
    shown = re.findall(r"^\[\d/3\] (\w+) ·", asked.stdout, re.M)
    negative = subprocess.run(wb + ["--count", "-1"], capture_output=True, text=True, env=env)
    tally.check(shown == [q["kind"] for q in listed] and asked.stdout.count("not understood") == 2
                and "0/3 right, 3 skipped" in asked.stdout
                and "not quite" not in asked.stdout and negative.returncode == 2
                and negative.stderr.strip().count("\n") == 0 and "Traceback" not in negative.stderr,
                "./wb drill --seed: the session asks what --json lists; 'abc' is asked again, blank is skipped; "
                "--count -1 is refused", f"{shown} vs {[q['kind'] for q in listed]}: {asked.stdout[-600:]} {negative.stderr}")
    shutil.rmtree(folder, ignore_errors=True)


def check_handout(tally):
    """./wb handout writes a student's copy without solutions/, mutants, attacks, benchmarks and hidden tests,
    with the pristine stubs kept for ./wb reset and the README's points those of the visible tests; inside it,
    ./wb grade 01 builds and grades: every visible test, none passed, no hidden one; --solutions is refused."""
    dest = os.path.join(tempfile.mkdtemp(prefix="wb-handout-selftest-"), "handout")  # outside the workbook
    made = subprocess.run([os.path.join(ROOT, "wb"), "handout", dest], capture_output=True, text=True, errors="replace")
    if not tally.check(made.returncode == 0, "./wb handout writes a handout", made.stdout[-500:] + made.stderr[-500:]):
        return
    present = lambda rel: os.path.exists(os.path.join(dest, rel))
    hidden = glob.glob(os.path.join(dest, "tests", "graded", "*", "*_hidden_test.cpp"))
    tally.check(not any(present(part) for part in handout.LEFT_OUT) and not hidden and present("HANDOUT.json")
                and present(".stubs/01_attention/softmax.cpp") and present("chapters/01_attention/softmax.hpp")
                and present("tests/graded/01_attention/01_softmax_test.cpp"),
                "the handout has the stubs, headers and visible tests, and no solutions, mutants, attacks, benchmarks "
                "or hidden tests", f"hidden left: {hidden}; listing: {sorted(os.listdir(dest))}")
    entries = [e for e in manifest.load(ROOT, "01_attention") if not e.unseen]  # unseen ones run in course mode only
    visible = [e for e in entries if e.visibility == "visible"]
    with open(os.path.join(dest, "README.md")) as f:
        readme = f.read()
    tally.check(f"8 exercises, {sum(e.points for e in visible)} points" in readme,
                "the handout's README states the points of the visible tests", readme[:0])
    env = dict(os.environ, NO_COLOR="1")
    graded = subprocess.run([os.path.join(dest, "wb"), "grade", "01"], cwd=dest, capture_output=True, text=True, env=env)
    results = os.path.join(dest, "build", "reports", "results.json")
    tests = json.load(open(results))["tests"] if os.path.isfile(results) else []
    tally.check(graded.returncode == 0 and len(tests) == len(visible) and all(t["score"] == 0 for t in tests)
                and len(visible) < len(entries),
                "the handout builds and grades chapter 01: every visible test, none passed, the hidden one absent",
                f"{len(tests)} tests graded, {len(visible)} visible of {len(entries)}; " + graded.stdout[-600:] + graded.stderr[-300:])
    check_classroom_workflow(tally, dest, visible)
    refused = subprocess.run([os.path.join(dest, "wb"), "grade", "--solutions"], cwd=dest, capture_output=True, text=True, errors="replace")
    tally.check(refused.returncode != 0 and "student handout" in refused.stderr,
                "./wb grade --solutions in a handout says it is a handout", refused.stderr[-300:])
    shutil.rmtree(os.path.dirname(dest), ignore_errors=True)


def check_classroom_workflow(tally, dest, visible):
    """The handout's GitHub Classroom workflow: its grading step, run here as the workflow runs it (for chapter
    01, with the reference's files in the handout), hands the reporter a payload with every visible point."""
    import base64
    workflow = os.path.join(dest, ".github", "workflows", "classroom.yml")
    text = open(workflow).read() if os.path.isfile(workflow) else ""
    step = re.search(r"id: workbook\n\s+run: (.+)\n", text)
    wired = ("WORKBOOK_RESULTS: \"${{ steps.workbook.outputs.result }}\"" in text and "runners: workbook" in text
             and "container: debian:12" in text)
    if not tally.check(step is not None and wired, "the handout has the Classroom workflow, its grading step wired to "
                       "the reporter", text[:300]):
        return
    for name in os.listdir(os.path.join(ROOT, "solutions", "01_attention")):
        shutil.copyfile(os.path.join(ROOT, "solutions", "01_attention", name), os.path.join(dest, "chapters", "01_attention", name))
    output = os.path.join(dest, "github_output")
    run = subprocess.run(["bash", "-e", "-c", step.group(1)], cwd=dest, capture_output=True, text=True,
                         env=dict(os.environ, GITHUB_OUTPUT=output, WB_CLASSROOM_CHAPTERS="01", NO_COLOR="1"))
    lines = open(output).read().splitlines() if os.path.isfile(output) else []
    payload = json.loads(base64.b64decode(lines[-1].split("=", 1)[1])) if lines and lines[-1].startswith("result=") else {}
    want = sum(e.points for e in visible)
    got = sum(t["score"] for t in payload.get("tests", []))
    tally.check(run.returncode == 0 and payload.get("max_score") == want and got == want and payload.get("status") == "pass"
                and f"Points {want}/{want}" in run.stdout,
                "the Classroom workflow's grading step reports every visible point of the reference's chapter 01",
                f"payload {got}/{payload.get('max_score')}, expected {want}; " + run.stdout[-500:] + run.stderr[-300:])


def pristine_copy(dest):
    """The workbook with its exercise files as stubs, for the learner tools' check: a clone of git HEAD, or in
    a handout (no git) a copy with .stubs/ over chapters/."""
    if os.path.exists(os.path.join(ROOT, ".git")):  # a clone (.git a folder) or a git worktree (.git a file)
        subprocess.run(["git", "clone", "-q", "--local", ROOT, dest], check=True)
        return
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns("build", "build-*", ".wb-progress.json*"), symlinks=True)
    for chapter in os.listdir(os.path.join(dest, ".stubs")):
        for name in os.listdir(os.path.join(dest, ".stubs", chapter)):
            shutil.copyfile(os.path.join(dest, ".stubs", chapter, name), os.path.join(dest, "chapters", chapter, name))


def check_course_mode(tally):
    """Two submissions for chapter 01: the reference's softmax.cpp as a plain file must earn exactly the
    Softmax and MaskedSoftmax points; a submission whose folder is a link to solutions/ must earn nothing."""
    chapter = registry.select_chapters(["01"])[0]
    expected = sum(e.points for e in chapter.manifest() if e.exercise in ("Softmax", "MaskedSoftmax"))
    root = os.path.join(BUILD, "course-selftest")
    shutil.rmtree(root, ignore_errors=True)
    plain, linked = os.path.join(root, "plain"), os.path.join(root, "linked")
    os.makedirs(os.path.join(plain, "01_attention"))
    shutil.copyfile(os.path.join(ROOT, "solutions", "01_attention", "softmax.cpp"),
                    os.path.join(plain, "01_attention", "softmax.cpp"))
    os.makedirs(linked)
    os.symlink(os.path.join(ROOT, "solutions"), os.path.join(linked, "chapters"))
    os.symlink(os.path.join(ROOT, "solutions", "01_attention"), os.path.join(linked, "01_attention"))
    for name, folder, want in (("a plain file", plain, expected), ("a linked folder", linked, 0)):
        build_dir = grader.course_build(folder)
        results = grader.grade_chapters([chapter], "learner", show=False, build_dir=build_dir, unseen=True)
        tally.check(results[0].score == want, f"course mode grades {name} in a submission",
                    f"scored {results[0].score}, expected {want}")
        if results[0].score == want:
            print(f"  {paint('ok', '32')}   {name}: {results[0].score} / {results[0].max_score}")


def read_gradebook(path):
    """{student: {'status', 'total', 'note', 'points': {exercise: earned}}} from ./wb grade-class's CSV."""
    import csv
    rows = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            points = {re.match(r"[^/]+/(\w+) \(\d+\)$", k).group(1): int(v) if v else 0
                      for k, v in r.items() if re.match(r"[^/]+/\w+ \(\d+\)$", k)}
            rows[r["student"]] = {"status": r["status"], "total": int(r["total"]), "note": r["note"], "points": points}
    return rows


def check_grade_class(tally):
    """Each generated student earns exactly what sampleclass says, no student's trouble reaches another, each
    graded student has a valid results.json, and the summary and its histogram are written."""
    import sampleclass
    folder = os.path.join(BUILD, "class-selftest")
    expect = sampleclass.make_sample_class(os.path.join(folder, "submissions"))
    out = os.path.join(folder, "gradebook.csv")
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "wb.py"), "grade-class",
                           os.path.join(folder, "submissions"), sampleclass.CHAPTER, "--out", out, "--timeout", "3"],
                          capture_output=True, text=True, errors="replace")
    wall = time.monotonic() - start
    if not tally.check(proc.returncode == 0 and os.path.isfile(out), "./wb grade-class runs",
                       (proc.stdout + proc.stderr)[-1500:]):
        return
    rows = read_gradebook(out)
    points = sampleclass.points_by_exercise()
    for student, want in expect.items():
        problems = sampleclass.check_row(rows[student], want, points) if student in rows else ["no row"]
        if tally.check(not problems, f"grade-class: {student}", "; ".join(problems)):
            print(f"  {paint('ok', '32')}   {student}: {rows[student]['status']} {rows[student]['total']} "
                  f"{rows[student]['note'][:90]}")
    reports_ok = [s for s, r in rows.items() if r["status"] == "graded" and
                  json.load(open(os.path.join(folder, "gradebook", s, "results.json")))["score"] == r["total"]]
    tally.check(len(reports_ok) == sum(r["status"] == "graded" for r in rows.values()),
                "grade-class: every graded student's results.json holds the gradebook's total", f"only {reports_ok}")
    with open(out, newline="") as f:
        import csv
        cells = [c for row in csv.reader(f) for c in row]
    summary_lines = open(os.path.join(folder, "gradebook", "summary.md")).read().splitlines()
    forged = [c for c in cells if c[:1] in ("=", "+", "-", "@") or re.search(r"[\x00-\x1f]", c)]
    forged += [l for l in summary_lines if l.startswith("- correct:")]
    forged += [l for l in proc.stdout.splitlines() if l.lstrip().startswith("- correct:")]
    tally.check(not forged, "grade-class: no cell starts a formula, no name forges a line of the CSV, summary or terminal",
                f"found {forged[:3]}")
    histogram = os.path.join(folder, "gradebook", "histogram.png")
    summary = json.load(open(os.path.join(folder, "gradebook", "summary.json")))
    tally.check(os.path.isfile(histogram) and open(histogram, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
                and summary["students"] == len(expect) and len(summary["exercises"]) == len(points),
                "grade-class: summary.json and histogram.png written")
    print(f"  the class of {len(expect)} graded in {wall:.0f} s")


def check_autograder(tally):
    """The zip unpacked as Gradescope unpacks it; setup.sh builds; run_autograder writes results.json with the
    hidden test: the reference uploaded as loose files earns everything, a crash loses only its exercise, an
    empty submission earns nothing."""
    import autograder
    import sampleclass
    folder = os.path.join(BUILD, "autograder-selftest")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    zip_path = os.path.join(folder, "autograder.zip")
    made = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "wb.py"), "autograder", "--out", zip_path,
                           sampleclass.CHAPTER], capture_output=True, text=True, errors="replace")
    if not tally.check(made.returncode == 0, "./wb autograder writes the zip", made.stdout[-500:] + made.stderr[-500:]):
        return
    root = os.path.join(folder, "autograder")
    source = autograder.unpack_autograder(zip_path, root)
    tally.check(os.path.isdir(os.path.join(source, "workbook", "solutions"))
                and glob.glob(os.path.join(source, "workbook", "tests", "graded", "*", "*_hidden_test.cpp")),
                "the autograder has the hidden tests and the solutions (for the unseen inputs' expected values)")
    start = time.monotonic()
    setup = subprocess.run(["bash", os.path.join(source, "setup.sh")], capture_output=True, text=True, errors="replace")
    if not tally.check(setup.returncode == 0, "the autograder's setup.sh builds", (setup.stdout + setup.stderr)[-1500:]):
        return
    print(f"  setup.sh: {time.monotonic() - start:.0f} s")
    if os.geteuid() == 0:
        tally.check(stat.S_IMODE(os.stat(os.path.join(source, "workbook", "solutions")).st_mode) == 0o700,
                    "setup.sh leaves solutions/ readable by root only (a test's own user id cannot read it)")
    points = sampleclass.points_by_exercise()
    everything = sum(points.values())
    submissions = {"loose reference files": (sampleclass.reference_files(), "", everything),
                   "a crash in PositionalEncoding": (sampleclass.crash_files(), f"chapters/{sampleclass.CHAPTER}",
                                                     everything - points["PositionalEncoding"]),
                   "nothing": ({}, "", 0)}
    for name, (files, under, want) in submissions.items():  # each run draws its own unseen inputs
        shutil.rmtree(os.path.join(root, "submission"), ignore_errors=True)
        shutil.rmtree(os.path.join(root, "results"), ignore_errors=True)
        os.makedirs(os.path.join(root, "submission", under))
        for file, text in files.items():
            with open(os.path.join(root, "submission", under, file), "w") as f:
                f.write(text)
        run = subprocess.run([os.path.join(root, "run_autograder")], capture_output=True, text=True,
                             env=dict(os.environ, AUTOGRADER_ROOT=root))
        path = os.path.join(root, "results", "results.json")
        report = json.load(open(path)) if os.path.isfile(path) else {}
        hidden = [t for t in report.get("tests", []) if t.get("visibility") == "after_due_date"]
        unseen = [t for t in report.get("tests", []) if t.get("max_score") == 0]
        if tally.check(report.get("score") == want and len(hidden) == 1 and len(unseen) == len(points),
                       f"run_autograder grades {name}",
                       f"score {report.get('score')}, expected {want}; hidden tests {len(hidden)}; "
                       f"unseen-input tests {len(unseen)}, expected one per exercise ({len(points)}); "
                       + (run.stdout + run.stderr)[-800:]):
            print(f"  {paint('ok', '32')}   {name}: {report['score']} / {everything}")


# Training tests, left out under the sanitizers: a debug build takes minutes per training run, and memory
# errors in the code they train are the other tests' to find. Their numerics are checked by the release run.
NOT_UNDER_SANITIZERS = {"AttentionRnnModels.AttentionLearnsWhatThePlainLstmCannot"}


def sanitizer_problems(run):
    """The sanitizers' and GoogleTest's complaints in a finished run's output."""
    output = (run.stdout or "") + (run.stderr or "")
    return [l for l in output.splitlines() if "ERROR: " in l or "runtime error" in l or "FAILED" in l]


def sanitized_test(debug, ch, entry):
    """One graded test with both sides built with ASan + UBSan: the reference's learner side, then the judge on
    what it handed over. '' when both ran clean and the judge passed it, else what went wrong."""
    with tempfile.TemporaryDirectory(prefix="wb_asan_") as tmp:
        handed = os.path.join(tmp, "handover")
        name = f"{entry.exercise}.{entry.test}"
        with open(handed, "wb") as out:
            side = subprocess.run([os.path.join(debug, "tests", f"graded_{ch.name}_reference"), "--wb-run", name],
                                  stdout=out, stderr=subprocess.PIPE, text=True, errors="replace",
                                  env=dict(os.environ, WB_RESULT_FD="1"))
        judge = subprocess.run([os.path.join(debug, "tests", f"judge_{ch.name}"), f"--gtest_filter={name}"],
                               capture_output=True, text=True, errors="replace", env=dict(os.environ, WB_HANDOVER_FILE=handed))
    for what, run in (("learner side", side), ("judge", judge)):
        report = sanitizer_problems(run)
        if run.returncode != 0 or report:
            return f"{name} ({what}, exit {run.returncode}): " + " | ".join(report[:3])
    return ""


def run_sanitized(chapters, tally):
    debug = os.path.join(ROOT, "build-debug")
    if not os.path.isfile(os.path.join(debug, "build.ninja")):
        proc = subprocess.run(["cmake", "--preset", "debug"], cwd=ROOT, capture_output=True, text=True, errors="replace")
        if not tally.check(proc.returncode == 0, "configure the debug preset", proc.stderr[-1000:]):
            return
    binaries = ["framework_tests", "layers_tests"] + [f"{kind}_{ch.name}{suffix}" for ch in chapters
                                                      for kind, suffix in (("graded", "_reference"), ("judge", ""))]
    proc = subprocess.run(["cmake", "--build", debug, "--target", *binaries], capture_output=True, text=True, errors="replace")
    if not tally.check(proc.returncode == 0, "the debug build", build.first_compiler_error(proc.stdout + proc.stderr)):
        return
    for name in binaries[:2]:
        run = subprocess.run([os.path.join(debug, "tests", name)], capture_output=True, text=True, errors="replace")
        if tally.check(run.returncode == 0, f"{name} under ASan + UBSan", " | ".join(sanitizer_problems(run)[:3])):
            print(f"  {paint('ok', '32')}   {name}")
    import concurrent.futures
    for ch in chapters:
        entries = [e for e in ch.manifest() if f"{e.exercise}.{e.test}" not in NOT_UNDER_SANITIZERS]
        with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
            problems = [p for p in pool.map(lambda e: sanitized_test(debug, ch, e), entries) if p]
        if tally.check(not problems, f"{ch.name}'s reference under ASan + UBSan, both sides of every test", "; ".join(problems[:3])):
            print(f"  {paint('ok', '32')}   {ch.name}: {len(entries)} tests, both sides")


def run_thread_sanitizer(tally):
    tsan = os.path.join(ROOT, "build-tsan")
    if not os.path.isfile(os.path.join(tsan, "build.ninja")):
        proc = subprocess.run(["cmake", "--preset", "tsan"], cwd=ROOT, capture_output=True, text=True, errors="replace")
        if not tally.check(proc.returncode == 0, "configure the tsan preset", proc.stderr[-1000:]):
            return
    proc = subprocess.run(["cmake", "--build", tsan, "--target", "framework_tests"], capture_output=True, text=True, errors="replace")
    if not tally.check(proc.returncode == 0, "the tsan build", build.first_compiler_error(proc.stdout + proc.stderr)):
        return
    run = subprocess.run([os.path.join(tsan, "tests", "framework_tests")], capture_output=True, text=True,
                         errors="replace", env=dict(os.environ, WB_THREADS="4", TSAN_OPTIONS="halt_on_error=1"))
    report = [l for l in (run.stdout + run.stderr).splitlines() if "ThreadSanitizer" in l or "FAILED" in l]
    if tally.check(run.returncode == 0, "framework_tests under ThreadSanitizer", " | ".join(report[:3])):
        print(f"  {paint('ok', '32')}   framework_tests, 4 workers, no data race")


def cmd_test(_args=None):
    start = time.monotonic()
    tally = Tally()
    chapters = registry.load_chapters()
    # In a student handout (./wb handout) there is no solutions/: what needs the reference is the teacher's.
    teacher = handout.info() is None
    flavour = "reference" if teacher else "learner"
    if not teacher:
        say("a student handout: checking the build, the framework tests, the test list, the stubs, the learner's "
            "tools and the docs (the reference's checks run in the teacher's workbook)")

    say("building everything (framework, both libraries, graded tests, programs) ...")
    ok, output = build.build(["all"])
    if not tally.check(ok, "the build", build.first_compiler_error(output)):
        print(f"{tally.passed} passed, {len(tally.failed)} failed")
        return 1

    say("framework unit tests (ctest) ...")
    proc = subprocess.run(["ctest", "--test-dir", BUILD, "-j", str(JOBS), "--output-on-failure"],
                          capture_output=True, text=True, errors="replace")
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
        parsed = sorted((e.exercise, e.test, e.points, e.hint) for e in ch.manifest(unseen=True))
        binary = build.graded_binary(ch, flavour)
        registered = sorted((r["exercise"], r["test"], r["points"], r["hint"])
                            for r in grader.read_registry(grader.judge_binary(binary, ch)))
        tally.check(parsed == registered, f"manifest of {ch.name} matches the harness's registry",
                    f"only in the sources: {sorted(set(parsed) - set(registered))[:3]}; "
                    f"only registered: {sorted(set(registered) - set(parsed))[:3]}")
        # the learner's side runs the same tests (it knows no hints)
        learner_side = sorted((r["exercise"], r["test"], r["points"]) for r in grader.read_registry(binary))
        tally.check(learner_side == [p[:3] for p in parsed], f"the learner's side of {ch.name} runs the same tests",
                    f"{len(learner_side)} tests there, {len(parsed)} in the sources")
        if teacher:
            plan = learner_inputs.collect(ch, build.graded_binary(ch, "reference"), ch.manifest())
            tally.check(plan == learner_inputs.load_plan(ch), f"{ch.name}'s learner_inputs.json is current",
                        "the tests read other fixture keys in the learner's process than it lists: "
                        "review the difference, then ./wb inputs")

    say("one source of truth: chapter.json, the test sources, the stub files and the README agree ...")
    consistency.check(tally)

    if teacher:
        check_reference(chapters, tally)
    check_stubs(chapters, tally)
    if teacher:
        say("mutants: each common mistake must fail at least one graded test of its exercise ...")
        mutants.run_mutants(chapters, tally)

        say("the grader under attack: each tests/attacks/*.cpp as the learner's softmax.cpp must score 0 ...")
        attacks.run(tally)

    say("the learner's tools: ./wb status, hint, reset, mock and doctor on a pristine copy; watch's comparison ...")
    check_learner_tools(tally)

    say("interview drills: every kind over 200 seeds (answers from the framework, no mistake equal to the answer, "
        "same seed same question, impossible parameters refused), the sheet, JSON and a session ...")
    check_drills(tally)

    if teacher:
        teacher_checks(chapters, tally)

    say("ThreadSanitizer: the framework tests, the thread pool's among them, with four workers (tsan preset) ...")
    run_thread_sanitizer(tally)

    say("docs (warnings are errors) ...")
    if tally.check(build.build_docs() == 0, "docs build without warnings"):
        say("docs in a real browser: every chapter page in headless Chromium (math typeset locally, nothing fetched; "
            "chapter 01's links and screenshot) ...")
        browser.check(tally)

    say(f"self-test finished in {time.monotonic() - start:.0f} s")
    for name in tally.failed:
        print(f"  failed: {name}")
    print(f"{tally.passed} passed, {len(tally.failed)} failed")
    return 0 if not tally.failed else 1


def check_reference(chapters, tally):
    say("the reference must score full marks ...")
    reference_results = grader.grade_chapters(chapters, "reference", show=False)
    for cr in reference_results:
        for t in cr.tests:
            tally.check(t.status == "passed", f"reference {cr.chapter.name} {t.exercise}.{t.test}",
                        f"{reports.STATUS_LABEL[t.status]}: {t.message}")
        print(f"  {cr.chapter.name}: {cr.score} / {cr.max_score} points")

    report = reports.gradescope_report(reference_results, 0.0)
    hidden = sorted(t["name"] for t in report["tests"] if t["visibility"] == "after_due_date")
    expected = sorted(f"{ch.name} / {e.exercise}.{e.test}" for ch in chapters for e in ch.manifest()
                      if e.source.endswith("_hidden_test.cpp"))
    tally.check(hidden == expected and hidden and all(t["visibility"] in ("visible", "after_due_date") for t in report["tests"]),
                "results.json marks exactly the tests of *_hidden_test.cpp files after_due_date", f"{hidden} vs {expected}")


def check_stubs(chapters, tally):
    say("the stubs must score zero, every test 'not attempted' ...")
    stubs_build = BUILD
    if build.chapters_modified():
        # grade the stubs as committed, not the learner's work in progress
        stubs_build = build.pristine_stubs_build()
        say(f"chapters/ has local changes: checking the committed stubs (git HEAD) in {os.path.relpath(stubs_build, ROOT)}/")
    for cr in grader.grade_chapters(chapters, "learner", show=False, build_dir=stubs_build):
        tally.check(not cr.compile_error, f"stubs of {cr.chapter.name} compile", cr.compile_error)
        for t in cr.tests:
            tally.check(t.status == "not_attempted", f"stub {cr.chapter.name} {t.exercise}.{t.test}",
                        f"{reports.STATUS_LABEL[t.status]}: {t.message}")
        print(f"  {cr.chapter.name}: {cr.score} / {cr.max_score} points, "
              f"{sum(t.status == 'not_attempted' for t in cr.tests)} of {len(cr.tests)} not attempted")


def check_diffusion_scoring(program, out_dir, tally):
    """run 10's scoring and --sweep paths on smoke runs of both objectives, with a classifier of random weights in
    the chapter 07 model's shapes: the scores mean nothing, the code paths and metrics.json's fields are checked."""
    import random
    import struct
    import wbt  # tools/fixtures, on the path learner_inputs set
    rng = random.Random(10)
    shapes = {"conv.weight": (32, 1, 3, 3), "conv.bias": (32,), "dense.weight": (10, 32 * 13 * 13), "dense.bias": (10,)}
    classifier = os.path.join(out_dir, "random_classifier.wbt")
    tensors = {}
    for name, dims in shapes.items():
        count = 1
        for d in dims:
            count *= d
        tensors[name] = (dims, struct.pack(f"<{count}f", *(rng.gauss(0.0, 0.1) for _ in range(count))))
    wbt.save_raw(classifier, tensors)
    for objective, samplers in (("eps", ["ddpm", "ddim"]), ("flow", ["euler"])):
        folder = f"{out_dir}-scored-{objective}"
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        proc = subprocess.run([program, folder, "--smoke", f"--objective={objective}", "--sweep", "--classifier", classifier],
                              capture_output=True, text=True, errors="replace")
        path = os.path.join(folder, "metrics.json")
        metrics = json.load(open(path)) if os.path.isfile(path) else {}
        score, sweep = metrics.get("score") or {}, metrics.get("sweep") or []
        scored = (score.get("samples") == 20 and 0 <= score.get("recognised_share", -1) <= 1
                  and score.get("frechet_distance", -1) >= 0 and score.get("unconditional_frechet_distance", -1) >= 0
                  and all(len(score.get(k, [])) == 10 for k in ("class_shares", "unconditional_class_shares",
                                                                 "real_class_shares")))
        charts = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "charts.py"), "10", folder],
                                capture_output=True, text=True, errors="replace")
        tally.check(proc.returncode == 0 and scored and [p["sampler"] for p in sweep] == samplers
                    and charts.returncode == 0,
                    f"program 10 --objective={objective} --sweep scores its samples and sweeps {', '.join(samplers)}",
                    proc.stderr[-500:] + charts.stderr[-500:] + json.dumps(score)[:300])


def teacher_checks(chapters, tally):
    """What needs the teacher's workbook: course mode, the reference's programs, the benchmarks, the
    sanitizers on the reference, and a student handout built and graded."""
    say("course mode: only the submission's exercise files count, and no link leads out of it ...")
    check_course_mode(tally)

    say("a generated class through ./wb grade-class: correct, stubs, compile error, crash, endless loop, mutant, "
        "forger and six hostile archives ...")
    check_grade_class(tally)

    say("the Gradescope autograder: ./wb autograder for chapter 01, its setup.sh, then run_autograder on three "
        "submissions ...")
    check_autograder(tally)

    say("programs (reference kernels, smoke run) ...")
    for ch in chapters:
        program = os.path.join(BUILD, "programs", f"run_{ch.name}_reference")
        if os.path.exists(program):
            out_dir = os.path.join(BUILD, "out-selftest", ch.number)
            os.makedirs(out_dir, exist_ok=True)
            for stale in os.listdir(out_dir):
                os.remove(os.path.join(out_dir, stale))
            proc = subprocess.run([program, out_dir, "--smoke"], capture_output=True, text=True, errors="replace")
            if tally.check(proc.returncode == 0, f"program {ch.name} runs", proc.stderr[-500:]):
                pictures = [f for f in sorted(os.listdir(out_dir)) if f.endswith(".png")]
                broken = [f for f in pictures if open(os.path.join(out_dir, f), "rb").read(8) != b"\x89PNG\r\n\x1a\n"]
                tally.check("metrics.json" in os.listdir(out_dir) and pictures and not broken,
                            f"program {ch.name} writes metrics.json and its PNG pictures",
                            f"wrote {sorted(os.listdir(out_dir))}, not PNG: {broken}")
                charts = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "charts.py"), ch.number, out_dir],
                                        capture_output=True, text=True, errors="replace")
                drawn = re.findall(r"charts: (\S+\.png)", charts.stdout)
                tally.check(charts.returncode == 0 and all(open(p, "rb").read(8) == b"\x89PNG\r\n\x1a\n" for p in drawn),
                            f"charts of {ch.name} are drawn from its metrics.json", charts.stdout + charts.stderr[-500:])
            for variant, (key, value) in PROGRAM_VARIANTS.get(ch.number, {}).items():
                folder = f"{out_dir}{variant}"
                shutil.rmtree(folder, ignore_errors=True)
                os.makedirs(folder)
                proc = subprocess.run([program, folder, "--smoke", variant], capture_output=True, text=True, errors="replace")
                metrics_path = os.path.join(folder, "metrics.json")
                metrics = json.load(open(metrics_path)) if os.path.isfile(metrics_path) else {}
                charts = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "charts.py"), ch.number, folder],
                                        capture_output=True, text=True, errors="replace")
                tally.check(proc.returncode == 0 and metrics.get(key, metrics.get("config", {}).get(key)) == value
                            and len(metrics.get("epochs", [])) == 2
                            and charts.returncode == 0,
                            f"program {ch.name} {variant} runs, records its epoch and draws its chart",
                            proc.stderr[-500:] + charts.stderr[-500:])
            if ch.number == "10":
                check_diffusion_scoring(program, out_dir, tally)
            if ch.number == "11":  # recomputing the blocks' forward must not change a bit of the training
                plain, checkpointed = (os.path.join(out_dir + suffix, "weights.wbt") for suffix in ("", "--checkpoint=1"))
                tally.check(os.path.isfile(plain) and os.path.isfile(checkpointed)
                            and open(plain, "rb").read() == open(checkpointed, "rb").read(),
                            "program 11 trains to the same bits with activation checkpointing as without")
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

    for args in (["run", "07", "--solutions", "--help"], ["run", "07", "--solutions", "--", "--help"]):
        shown = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "wb.py"), *args], capture_output=True, text=True, errors="replace")
        tally.check(shown.returncode == 0 and "--epochs" in shown.stdout and "Traceback" not in shown.stderr
                    and "charts:" not in shown.stdout, f"./wb {' '.join(args)} lists the program's own flags",
                    shown.stdout[-500:] + shown.stderr[-500:])

    # A bad flag is answered before the program, and the learner's code it links, is built (programs/flags.cpp).
    for args, says in ((["07", "--solutions", "--epochs", "abc"], ["'abc' is not a number", "--epochs"]),
                       (["07", "--epochs", "abc"], ["'abc' is not a number", "--epochs"]),
                       (["08", "--recipe", "dcgan", "--g-lr", "1"], ["--g-lr", "not of --recipe dcgan"]),
                       (["09", "--corpus", "fr"], ["--corpus", "fr"]),
                       (["10", "--objective", "score"], ["--objective", "score"]),
                       (["11", "--vocab", "100"], ["--vocab", "100"]),
                       (["04"], ["chapter 04 has no program"])):
        bad = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "wb.py"), "run", *args], capture_output=True, text=True, errors="replace")
        complaint = [l for l in (bad.stdout + bad.stderr).splitlines() if not l.startswith("wb: building")]
        tally.check(bad.returncode == 2 and len(complaint) == 1 and all(s in complaint[0] for s in says)
                    and "building run_" not in bad.stdout + bad.stderr,
                    f"./wb run {' '.join(args)}: one line naming what is wrong, exit code 2, the program not built",
                    f"exit {bad.returncode}: {(bad.stdout + bad.stderr)[-400:]}")

    say("chapter 09's PyTorch twin: the same model from the same weights and batches gives the same losses ...")
    check_gpt_twin(tally)

    say("numbers the pages quote from a command that runs in under a minute, reproduced by that command ...")
    quoted_numbers.check(tally)

    say("the PyTorch programs on the pages run (a short run each) and print what the page says ...")
    page_code.check(tally)

    say("benchmarks (a smoke run: ours builds, runs and reports every kernel case) ...")
    ok, output = build.build(["bench_cnn"])
    if tally.check(ok, "bench_cnn builds", build.first_compiler_error(output)):
        try:
            times = bench_driver.run_google_benchmark(os.path.join(BUILD, "bench", "bench_cnn"), "conv|maxpool", 1)
            tally.check(all(times.get(case, 0) > 0 for case in bench_driver.CNN_KERNELS), "bench_cnn reports every kernel case",
                        f"got {times}")
        except (subprocess.CalledProcessError, ValueError, KeyError) as e:
            tally.check(False, "bench_cnn runs", str(e))
    for target in sorted({programs[0] for programs in bench_driver.SEQ_PROGRAMS.values()}):
        ok, output = build.build([target])
        if tally.check(ok, f"{target} builds", build.first_compiler_error(output)):
            cases = [case for name, names in bench_driver.SEQ_CASES.items()
                     for case in [*names, *bench_driver.SEQ_EPOCHS.get(name, ())[:1]]
                     if bench_driver.SEQ_PROGRAMS[name][0] == target]
            try:
                times = bench_driver.run_google_benchmark(os.path.join(BUILD, "bench", target), ".", 1)
                tally.check(all(times.get(case, 0) > 0 for case in cases), f"{target} reports every case ({', '.join(cases)})",
                            f"got {times}")
            except (subprocess.CalledProcessError, ValueError, KeyError) as e:
                tally.check(False, f"{target} runs", str(e))
    # ./wb bench diffusion sets the step's arithmetic against this machine's multiply-add peak (bench_driver.arithmetic)
    binary = os.path.join(BUILD, "bench", "bench_diffusion")
    if os.path.exists(binary):
        runs = {}
        try:
            bench_driver.run_google_benchmark(binary, "^fma_peak/", 1, runs)
            rates = {name.split("/")[1]: flops / ms for name, (ms, flops) in runs.items() if flops}
            tally.check(sorted(rates) == ["1", "2"] and all(r > 0 for r in rates.values()),
                        "bench_diffusion's fma_peak counts its operations on 1 and 2 threads", f"got {runs}")
        except (subprocess.CalledProcessError, ValueError, KeyError) as e:
            tally.check(False, "bench_diffusion's fma_peak runs", str(e))

    ok, output = build.build(["bench_tokenizer"])
    if tally.check(ok, "bench_tokenizer builds", build.first_compiler_error(output)):
        folder = os.path.join(BUILD, "out-selftest", "bench-tokenizer")
        os.makedirs(folder, exist_ok=True)
        run = subprocess.run([os.path.join(BUILD, "bench", "bench_tokenizer"), folder, "300", "1"], capture_output=True, text=True, errors="replace")
        try:
            line = json.loads(run.stdout)
            tally.check(run.returncode == 0 and line["merges"] == 43 and line["train_s"] > 0 and line["encode_s"] > 0
                        and line["tokens"] < line["bytes"], "bench_tokenizer trains 43 merges, encodes and reports both",
                        run.stdout[-300:] + run.stderr[-300:])
        except (ValueError, KeyError) as e:
            tally.check(False, "bench_tokenizer reports one JSON line", f"{e}: {run.stdout[-300:]}{run.stderr[-300:]}")

    say("sanitizers: framework tests and the reference under AddressSanitizer + UBSan (debug preset) ...")
    run_sanitized(chapters, tally)

    say("a student handout: ./wb handout, then ./wb grade 01 inside it ...")
    check_handout(tally)


def check_gpt_twin(tally):
    """run_09 --twin writes its initial weights and batches; programs/09_transformer/twin_torch.py, the model written
    again in PyTorch, trained on them must end each epoch at our validation loss within 1e-3 (a short run: 80 steps of
    8 x 64 tokens). Measured: the twin with the interleaved RoPE pairing ends its first epoch 0.006 away; with the
    GQA head map of repeat instead of repeat_interleave, 0.13."""
    program = os.path.join(BUILD, "programs", "run_09_transformer_reference")
    if not os.path.exists(program) or not bench_driver or not bench_driver.torch_available():
        return
    folder = os.path.join(BUILD, "out-selftest", "09-twin")
    shutil.rmtree(folder, ignore_errors=True)
    run = subprocess.run([program, folder, "--epochs", "2", "--steps", "40", "--batch", "8", "--context", "64",
                          "--twin", os.path.join(folder, "twin")], capture_output=True, text=True, errors="replace")
    twin = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "programs", "09_transformer", "twin_torch.py"),
                           os.path.join(folder, "twin")], capture_output=True, text=True, errors="replace")
    try:
        ours = [e["val_loss"] for e in json.load(open(os.path.join(folder, "metrics.json")))["epochs"]]
        theirs = [e["val_loss"] for e in json.loads(twin.stdout.strip().splitlines()[-1])["epochs"]]
    except (OSError, ValueError, KeyError, IndexError) as e:
        tally.check(False, "chapter 09's program and its PyTorch twin run", f"{e}: {run.stderr[-300:]} {twin.stderr[-300:]}")
        return
    tally.check(len(ours) == len(theirs) == 2 and all(abs(a - b) < 1e-3 for a, b in zip(ours, theirs)),
                "chapter 09's GPT and its PyTorch twin reach the same validation losses", f"ours {ours}, twin {theirs}")


def cmd_attacks(_args=None):
    tally = Tally()
    attacks.run(tally)
    print(f"{tally.passed} passed, {len(tally.failed)} failed")
    return 0 if not tally.failed else 1


def cmd_mutants(args):
    tally = Tally()
    ok, output = build.build(["all"])
    if not ok:
        print(build.first_compiler_error(output))
        return 1
    mutants.run_mutants(registry.select_chapters(args.chapters), tally)
    print(f"{tally.passed} passed, {len(tally.failed)} failed")
    return 0 if not tally.failed else 1
