"""The learner's daily loop around grading: ./wb status, ./wb hint, ./wb reset and ./wb watch.

status and hint read .wb-progress.json (tools/progress.py) and the exercise files; neither builds.
reset puts an exercise file's stub back (from .stubs/ in a handout, else from git's history) and keeps
the learner's version beside it. watch grades a chapter again on every save and prints what changed."""
import datetime
import json
import os
import re
import subprocess
import textwrap
import time

import progress
import registry
from project import ROOT, paint, say


# ------------------------------------------------------------------------------------------------
# Exercises, files and stubs

def exercise_path(chapter, exercise):
    return os.path.join(ROOT, "chapters", chapter.name, exercise["file"])


def stub_marker(function):
    """What a stub throws for a function: NotImplemented("name") (methods: the qualified name)."""
    return f'NotImplemented("{function}")'


def is_stub(text, functions):
    """True if every function still throws NotImplemented: the learner has not started on them."""
    return all(stub_marker(f) in text for f in functions)


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def todo_line(path, functions):
    """The 1-based line of the first stub throw of these functions (where to start), else the first line
    that mentions one of them, else 1."""
    lines = read(path).splitlines()
    for i, line in enumerate(lines):
        if any(stub_marker(f) in line for f in functions):
            return i + 1
    for i, line in enumerate(lines):
        if any(re.search(rf"\b{re.escape(f.split('::')[-1])}\s*\(", line) for f in functions):
            return i + 1
    return 1


def find_exercise(name):
    """'Softmax', 'softmax', '01/Softmax' or '01_attention/Softmax' -> (chapter, exercise)."""
    chapters = registry.load_chapters()
    wanted_chapter, _, wanted_id = name.rpartition("/")
    matches = []
    for ch in chapters:
        if wanted_chapter and wanted_chapter not in (ch.name, ch.number, ch.number.lstrip("0")):
            continue
        for ex in ch.exercises:
            if ex["id"].lower() == wanted_id.lower():
                matches.append((ch, ex))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        close = [f"{ch.number}/{ex['id']}" for ch in chapters for ex in ch.exercises
                 if wanted_id.lower() in ex["id"].lower()]
        raise SystemExit(f"wb: no exercise '{name}'" + (f"; did you mean {', '.join(close[:6])}?" if close else
                                                        "; ./wb status lists them"))
    raise SystemExit(f"wb: '{name}' names several exercises: " +
                     ", ".join(f"{ch.number}/{ex['id']}" for ch, ex in matches) + "; add the chapter, e.g. 01/Softmax")


# ------------------------------------------------------------------------------------------------
# ./wb status

DONE, ATTEMPTED, NOT_STARTED = "passed", "attempted", "not started"


def exercise_status(chapter, exercise, recorded, most):
    """(group, note, points, max) of one exercise: from the last grade if no file of the exercise changed
    since, else from the file itself (a file that still throws NotImplemented everywhere is not started).
    most: the exercise's points, from the test sources."""
    path = exercise_path(chapter, exercise)
    text = read(path)
    untouched = is_stub(text, exercise["functions"])
    record = recorded.get(progress.key(chapter, exercise["id"]))
    modified = os.path.getmtime(path) if os.path.exists(path) else 0
    if record and record["graded_at"] >= modified:
        group = {"done": DONE, "todo": NOT_STARTED, "blocked": NOT_STARTED}.get(record["state"], ATTEMPTED)
        note = {"done": "", "todo": "", "blocked": "waits for an earlier exercise", "compile": "does not compile",
                "partial": record["first_failure"], "failing": record["first_failure"]}.get(record["state"], "")
        return group, note, record["points"], record["max"]
    if untouched:
        return NOT_STARTED, "", 0, most
    return ATTEMPTED, "changed since the last grade" if record else "edited, not graded yet", 0, most


def cmd_status(args):
    chapters = registry.select_chapters(args.chapters)
    state = progress.load()
    recorded = state["exercises"]
    next_up = None
    print()
    for ch in chapters:
        entries = ch.manifest()
        rows = [(ex, *exercise_status(ch, ex, recorded, sum(e.points for e in entries if e.exercise == ex["id"])))
                for ex in ch.exercises]
        counts = {g: sum(1 for r in rows if r[1] == g) for g in (DONE, ATTEMPTED, NOT_STARTED)}
        earned = sum(r[3] for r in rows)
        points = f"{earned} / {sum(r[4] for r in rows)} points"
        head = f"{ch.number} · {ch.title}"
        print(paint(f"{head:<44}", "1") + f" {counts[DONE]} passed · {counts[ATTEMPTED]} attempted · "
              f"{counts[NOT_STARTED]} not started   {points}")
        if args.verbose or len(chapters) == 1:
            for ex, group, note, pts, most in rows:
                mark = {DONE: paint("✔", "32"), ATTEMPTED: paint("~", "33"), NOT_STARTED: paint("·", "2")}[group]
                print(f"    {mark} {ex['id']:<22} {f'{pts}/{most}':>6}  {paint(note[:100], '2')}")
        for ex, group, *_ in rows:  # the exercise being worked on (attempted, not done) first, else the first open
            if group == ATTEMPTED and (next_up is None or next_up[2] != ATTEMPTED):
                next_up = (ch, ex, group)
            elif next_up is None and group != DONE:
                next_up = (ch, ex, group)
    print()
    if next_up:
        ch, ex, _ = next_up
        path = exercise_path(ch, ex)
        print(paint("next: ", "36") + f"{ex['id']} ({ch.number}) — {', '.join(ex['functions'])} in "
              f"{os.path.relpath(path, ROOT)}:{todo_line(path, ex['functions'])}")
        print(f"      the contract is in {os.path.relpath(path, ROOT)[:-4]}.hpp; stuck? ./wb hint {ex['id']}")
    else:
        print(paint("every exercise of these chapters passes", "32"))
    if not recorded:
        print(paint("(nothing graded yet: the states come from the files; ./wb grade records the points)", "2"))
    return 0


# ------------------------------------------------------------------------------------------------
# ./wb hint

HINT_TITLES = ("a nudge", "the key idea", "the plan, shape by shape")


def load_hints(chapter):
    path = os.path.join(ROOT, "tests", "graded", chapter.name, "hints.json")
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def current_exercise():
    """(chapter, exercise) the learner is most likely on: the first one attempted and not done, in chapter order;
    else the first not done (what ./wb status suggests next); None when every exercise passes."""
    recorded = progress.load()["exercises"]
    first_open = None
    for ch in registry.load_chapters():
        entries = ch.manifest()
        for ex in ch.exercises:
            group = exercise_status(ch, ex, recorded, sum(e.points for e in entries if e.exercise == ex["id"]))[0]
            if group == ATTEMPTED:
                return ch, ex
            if group != DONE and first_open is None:
                first_open = (ch, ex)
    return first_open


def cmd_hint(args):
    running = (progress.load().get("mock") or {}).get("current")
    if running:  # an interviewer gives no hints
        raise SystemExit(f"wb: a mock interview is running ({running['exercise']}): no hints until ./wb mock --submit "
                         "solves it or --abandon ends it")
    if args.exercise is None:  # ./wb hint: the exercise being worked on
        current = current_exercise()
        if current is None:
            raise SystemExit("wb: every exercise passes; ./wb hint EXERCISE shows the hints of any of them")
        chapter, exercise = current
        say(f"the current exercise: {exercise['id']} (chapter {chapter.number}); ./wb hint EXERCISE for another")
    else:
        chapter, exercise = find_exercise(args.exercise)
    steps = load_hints(chapter).get(exercise["id"], [])
    if not steps:
        raise SystemExit(f"wb: exercise {exercise['id']} has no hints yet; its header has the contract")
    state = progress.load()
    key = progress.key(chapter, exercise["id"])
    if args.reset:
        state["hints"].pop(key, None)
        progress.save(state)
        say(f"hint steps of {exercise['id']} forgotten; ./wb hint {exercise['id']} starts again at the nudge")
        return 0
    shown = min(len(steps), state["hints"].get(key, 0) + 1)
    state["hints"][key] = shown
    progress.save(state)
    print(paint(f"\n{exercise['id']} ({chapter.number} · {chapter.title}): hint {shown} of {len(steps)}", "1"))
    for i in range(shown):
        title = HINT_TITLES[i] if i < len(HINT_TITLES) else f"step {i + 1}"
        print(paint(f"\n  {i + 1}. {title}", "33" if i == shown - 1 else "2"))
        for line in steps[i].splitlines():
            for piece in textwrap.wrap(line, 100, subsequent_indent="  ") or [""]:
                print("     " + piece)
    print()
    if shown < len(steps):
        print(paint(f"  ./wb hint {exercise['id']} again for step {shown + 1}: {HINT_TITLES[shown]}", "2"))
    else:
        print(paint(f"  that was the last step; ./wb grade {chapter.number} shows each failing check with its own hint",
                    "2"))
    return 0


# ------------------------------------------------------------------------------------------------
# ./wb reset

def function_span(text, function):
    """(start, end) of a function's definition in an exercise file: from its first line (a top-level line that
    names it before a '(') to its closing brace, braces matched outside comments and literals; None if absent."""
    name = function.split("::")[-1]
    m = re.search(rf"^[A-Za-z_][^\n;]*\b{re.escape(name)}\s*\(", text, re.M)
    if not m:
        return None
    i, depth, opened = m.start(), 0, False
    while i < len(text):
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = len(text) if i < 0 else i
            continue
        c = text[i]
        if c in "\"'":  # a string or character literal
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == ";" and not opened:
            return None  # a declaration, not the definition
        if c == "{":
            depth, opened = depth + 1, True
        elif c == "}":
            depth -= 1
            if opened and depth == 0:
                return m.start(), i + 1
        i += 1
    return None


def splice_functions(current, stub, functions):
    """current with these functions' definitions taken from stub (the rest of the file kept); None when one of
    them cannot be found in either text."""
    for f in functions:
        mine, theirs = function_span(current, f), function_span(stub, f)
        if mine is None or theirs is None:
            return None
        current = current[:mine[0]] + stub[theirs[0]:theirs[1]] + current[mine[1]:]
    return current


def stub_from_handout(chapter, file):
    return read(os.path.join(ROOT, ".stubs", chapter.name, file)) or None


def stub_from_git(chapter, file, functions):
    """The newest committed version of the file in which every function listed is still a stub."""
    rel = f"chapters/{chapter.name}/{file}"
    try:
        commits = subprocess.run(["git", "-C", ROOT, "log", "--format=%H", "--", rel], capture_output=True,
                                 text=True, timeout=30).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        return None
    for commit in commits:
        shown = subprocess.run(["git", "-C", ROOT, "show", f"{commit}:{rel}"], capture_output=True, text=True)
        if shown.returncode == 0 and is_stub(shown.stdout, functions):
            return shown.stdout
    return None


def cmd_reset(args):
    chapter, exercise = find_exercise(args.exercise)
    path = exercise_path(chapter, exercise)
    sharing = [ex for ex in chapter.exercises if ex["file"] == exercise["file"]]
    functions = [f for ex in sharing for f in ex["functions"]]
    stub = stub_from_handout(chapter, exercise["file"]) or stub_from_git(chapter, exercise["file"], functions)
    rel = os.path.relpath(path, ROOT)
    if stub is None:
        raise SystemExit(f"wb: no stub of {rel} found (neither .stubs/ nor a git commit where it is a stub); "
                         "nothing was changed")
    current = read(path)
    others = [ex["id"] for ex in sharing if ex["id"] != exercise["id"]]
    # only this exercise's functions go back to the stub; the other exercises of the file keep your code
    spliced = splice_functions(current, stub, exercise["functions"]) if others else None
    replacement = spliced if spliced is not None else stub
    if current == replacement:
        say(f"{exercise['id']} in {rel} is already the stub; nothing to do")
        return 0
    backup = f"{path}.bak-{datetime.datetime.now().strftime('%Y%m%d-%H%M%S')}"
    if os.path.exists(path):
        os.replace(path, backup)
    with open(path, "w") as f:
        f.write(replacement)
    if spliced is not None:
        say(f"{exercise['id']} in {rel} is the stub again ({', '.join(others)}, in the same file, kept as you wrote it)")
    else:
        say(f"{rel} is the stub again" + (f" (it also holds {', '.join(others)}, reset with it: its functions "
                                          "were not found in your file)" if others else ""))
    if os.path.exists(backup):
        say(f"your version is kept in {os.path.relpath(backup, ROOT)}")
    return 0


# ------------------------------------------------------------------------------------------------
# ./wb watch

def snapshot(chapters):
    """Modification times of every chapter source, to notice a save."""
    times = {}
    for ch in chapters:
        folder = os.path.join(ROOT, "chapters", ch.name)
        for name in sorted(os.listdir(folder)):
            if name.endswith((".cpp", ".hpp")):
                times[os.path.join(folder, name)] = os.path.getmtime(os.path.join(folder, name))
    return times


def changes(before, after):
    """(newly passing, newly failing, points before, points after) between two gradings of one chapter:
    lists of (exercise, test, points, message)."""
    old = {(t.exercise, t.test): t for t in before.tests}
    gained, lost = [], []
    for t in after.tests:
        was = old.get((t.exercise, t.test))
        if t.status == "passed" and (was is None or was.status != "passed"):
            gained.append((t.exercise, t.test, t.points, ""))
        if t.status not in ("passed", "not_attempted") and was is not None and was.status in ("passed", "not_attempted"):
            lost.append((t.exercise, t.test, t.points, t.message))
    return gained, lost, before.score, after.score


def cmd_watch(args):
    import grader  # only watch grades
    chapters = registry.select_chapters([args.chapter] if args.chapter else [])
    if not args.chapter:  # the chapter of the next exercise
        recorded = progress.load()["exercises"]
        chapters = [next((ch for ch in chapters if any(exercise_status(ch, ex, recorded, 0)[0] != DONE
                                                       for ex in ch.exercises)), chapters[0])]
    names = ", ".join(ch.name for ch in chapters)
    say(f"watching chapters/{names}/: every save grades it again (Ctrl-C stops)")
    results = {cr.chapter.name: cr for cr in grader.grade_chapters(chapters, "learner", args.timeout, show=False)}
    for cr in results.values():
        say(f"{cr.chapter.number} · {cr.chapter.title}: {cr.score} / {cr.max_score} points")
    seen = snapshot(chapters)
    rounds, deadline = 0, time.monotonic() + args.stop_after if args.stop_after else None
    while args.rounds is None or rounds < args.rounds:
        if deadline and time.monotonic() > deadline:
            break
        time.sleep(args.interval)
        now = snapshot(chapters)
        if now == seen:
            continue
        time.sleep(0.3)  # an editor may write in several steps
        now = snapshot(chapters)
        touched = sorted({ch.name for ch in chapters for p in now if now.get(p) != seen.get(p) and f"/{ch.name}/" in p})
        seen = now
        rounds += 1
        for ch in [c for c in chapters if c.name in touched]:
            stamp = datetime.datetime.now().strftime("%H:%M:%S")
            after = grader.grade_chapters([ch], "learner", args.timeout, show=False)[0]
            gained, lost, old, new = changes(results[ch.name], after)
            results[ch.name] = after
            if after.compile_error:
                print(paint(f"[{stamp}] {ch.number}: does not compile: ", "31") + after.compile_error.splitlines()[0])
                continue
            if after.rejected:
                print(paint(f"[{stamp}] {ch.number}: not run: ", "31") + after.rejected.splitlines()[0])
                continue
            delta = new - old
            print(paint(f"[{stamp}] {ch.number}: {new} / {after.max_score} points", "1") +
                  (f" ({'+' if delta > 0 else ''}{delta})" if delta else " (no change)"))
            for exercise, test, points, _ in gained:
                print(paint("  ✔ now passing ", "32") + f"{exercise}.{test} (+{points})")
            for exercise, test, points, message in lost:
                print(paint("  ✘ now failing ", "31") + f"{exercise}.{test} (-{points}): {message[:200]}")
        progress.record_grades(list(results.values()), _exercise_state())
    return 0


def _exercise_state():
    import scoreboard
    return scoreboard.exercise_state


# ------------------------------------------------------------------------------------------------
# ./wb mock

def header_of(chapter, exercise):
    """The exercise's contract: its header (the .cpp's name with .hpp), without the stub's hints."""
    return os.path.join(ROOT, "chapters", chapter.name, exercise["file"][:-4] + ".hpp")


def earlier_open_in_file(chapter, exercise, recorded):
    """Whether an exercise before this one in the same file is not done: a backward's tests run its forward, so
    the later exercise of a file is not a fair pick while the earlier one fails."""
    for other in chapter.exercises:
        if other is exercise:
            return False
        if other["file"] == exercise["file"] and exercise_status(chapter, other, recorded, 0)[0] != DONE:
            return True
    return False


def hide_recipe(chapter, exercise):
    """While a mock runs, an untouched stub keeps only its contract pointer and its worked example: the TODO's
    step-by-step recipe (and any other tip in the body) is replaced by one line. Only a function that is
    still exactly the stub is changed, so nothing the learner wrote is touched. Returns whether it hid any."""
    path = exercise_path(chapter, exercise)
    text = read(path)
    sharing = [f for ex in chapter.exercises if ex["file"] == exercise["file"] for f in ex["functions"]]
    stub = stub_from_handout(chapter, exercise["file"]) or stub_from_git(chapter, exercise["file"], sharing)
    if not text or not stub:
        return False
    changed = text
    header = os.path.basename(header_of(chapter, exercise))
    for f in exercise["functions"]:
        mine, theirs = function_span(changed, f), function_span(stub, f)
        if mine is None or theirs is None or changed[mine[0]:mine[1]] != stub[theirs[0]:theirs[1]]:
            continue
        body = changed[mine[0]:mine[1]].split("\n")
        kept, hid = [], False
        for line in body:
            if line.strip().startswith("//") and "Worked example" not in line:
                if not hid:
                    kept.append(f"    // TODO (mock interview): write it to the contract in {header}.")
                hid = True
                continue
            kept.append(line)
        changed = changed[:mine[0]] + "\n".join(kept) + changed[mine[1]:]
    if changed == text:
        return False
    with open(path, "w") as out:
        out.write(changed)
    return True


def pick_mock_exercise(chapters, recorded, wanted, rng):
    """The exercise to practise: the one asked for, else one not yet passed, drawn at random."""
    if wanted:
        return find_exercise(wanted)
    open_ones = [(ch, ex) for ch in chapters for ex in ch.exercises
                 if exercise_status(ch, ex, recorded, 0)[0] != DONE and not earlier_open_in_file(ch, ex, recorded)]
    if not open_ones:
        raise SystemExit("wb: every exercise of these chapters passes already; name one with --exercise to practise it again")
    return open_ones[rng.randrange(len(open_ones))]


def mock_verdict(tests, elapsed, minutes):
    """(solved, line) for a submission's graded tests: solved when every test passed; the line tells the time
    taken against the limit and, if not solved, the first failing check."""
    taken = f"{int(elapsed // 60)}:{int(elapsed % 60):02d}"
    within = "within" if elapsed <= minutes * 60 else "over"
    earned, possible = sum(t.score for t in tests), sum(t.points for t in tests)
    failing = next((t for t in tests if t.status != "passed"), None)
    if failing is None and tests:
        return True, f"solved in {taken}, {within} the {minutes} minutes: {earned} / {possible} points"
    first = f"{failing.test}: {failing.message}" if failing else "no graded test ran"
    return False, f"not solved after {taken} ({within} the {minutes} minutes), {earned} / {possible} points; first failing check: {first}"


def cmd_mock(args):
    import random
    state = progress.load()
    mock = state.setdefault("mock", {"current": None, "history": []})
    current = mock.get("current")
    if args.history:
        if not mock["history"]:
            say("no mock interviews yet: ./wb mock starts one")
        for h in mock["history"]:
            when = datetime.datetime.fromtimestamp(h["started"]).strftime("%Y-%m-%d %H:%M")
            print(f"  {when}  {h['exercise']:<36} {'solved' if h['solved'] else 'not solved':<11} {h['line']}")
        return 0
    if args.abandon:
        if current:
            mock["history"].append({**current, "solved": False, "line": "abandoned"})
            mock["current"] = None
            progress.save(state)
            say(f"mock interview on {current['exercise']} abandoned (kept in ./wb mock --history)")
        return 0
    if args.submit:
        if not current:
            raise SystemExit("wb: no mock interview is running; ./wb mock starts one")
        import grader
        chapter, exercise = find_exercise(current["exercise"])
        elapsed = time.time() - current["started"]
        say(f"grading {exercise['id']} alone ...")
        result = grader.grade_chapters([chapter], "learner", args.timeout, show=False, only_exercise=exercise["id"])[0]
        tests = [t for t in result.tests if t.exercise == exercise["id"]]
        if result.compile_error:
            solved, line = False, "does not compile: " + result.compile_error.splitlines()[0]
        else:
            solved, line = mock_verdict(tests, elapsed, current["minutes"])
        print(paint(("✔ " if solved else "✘ ") + line, "32" if solved else "31"))
        left = current["minutes"] * 60 - elapsed
        current["submissions"] = current.get("submissions", 0) + 1
        if not solved and left > 0:  # as in an interview: fix it and run it again while the time lasts
            progress.save(state)
            say(f"{int(left // 60)} min {int(left % 60)} s left: fix it and ./wb mock --submit again "
                "(--abandon ends the interview)")
            return 0
        mock["history"].append({**current, "solved": solved, "line": line, "seconds": round(elapsed)})
        mock["current"] = None
        progress.save(state)
        return 0
    if current:
        left = current["minutes"] * 60 - (time.time() - current["started"])
        say(f"a mock interview is running: {current['exercise']}, " +
            (f"{int(left // 60)} min {int(left % 60)} s left" if left > 0 else f"{int(-left // 60)} min over time") +
            "; ./wb mock --submit grades it, --abandon drops it")
        return 0
    chapters = registry.select_chapters([args.chapter] if args.chapter else [])
    chapter, exercise = pick_mock_exercise(chapters, state["exercises"], args.exercise, random.Random())
    mock["current"] = {"exercise": f"{chapter.name}/{exercise['id']}", "started": time.time(), "minutes": args.minutes}
    progress.save(state)
    path = exercise_path(chapter, exercise)
    hidden = hide_recipe(chapter, exercise)
    print(paint(f"\nMock interview: {exercise['id']} ({chapter.number} · {chapter.title}), {args.minutes} minutes from now",
                "1"))
    print(f"Write {', '.join(exercise['functions'])} in {os.path.relpath(path, ROOT)} to this contract. No hints, "
          "no reference; when you are done: ./wb mock --submit\n"
          + (f"(The stub's step-by-step TODO is hidden until the mock ends; ./wb reset {exercise['id']} brings it back.)\n"
             if hidden else ""))
    print(read(header_of(chapter, exercise)))
    return 0
