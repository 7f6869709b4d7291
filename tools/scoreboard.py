"""The console scoreboard: points per chapter and exercise, the first failure with its hint, what to do next."""
import os

import registry
import reports
from project import ROOT, paint


def owner_of(function, chapter):
    """'MaskedSoftmax' for a function of this chapter, 'chapter 04 Conv2dIm2col' for another's."""
    for other in [chapter] + [c for c in registry.load_chapters() if c.name != chapter.name]:
        exercise = other.exercise_of_function(function)
        if exercise:
            return exercise["id"] if other.name == chapter.name else f"chapter {other.number} {exercise['id']}"
    return function


def exercise_location(chapter, exercise, flavour):
    """'chapters/01_attention/softmax.cpp:11': the exercise's file and the line of its first function."""
    import learner
    folder = "chapters" if flavour == "learner" else "solutions"
    path = os.path.join(ROOT, folder, chapter.name, exercise["file"])
    return f"{folder}/{chapter.name}/{exercise['file']}:{learner.todo_line(path, exercise['functions'])}"


def failing_partner(chapter, exercise, tests):
    """A note naming an earlier exercise of the same file that fails too: a backward's tests run its forward, so a
    wrong forward fails the backward's checks while the backward itself may be right. '' when there is none."""
    for other in chapter.exercises:
        if other is exercise:
            return ""
        theirs = [t for t in tests if t.exercise == other["id"]]
        if other["file"] == exercise["file"] and theirs and any(t.status not in ("passed", "not_attempted") for t in theirs):
            return f"{other['id']} (same file) fails too, the likely cause: fix it first"
    return ""


def exercise_state(chapter, exercise, tests):
    """(label, detail) of one exercise from its tests."""
    earned = sum(t.score for t in tests)
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


def print_scoreboard(results, flavour, report_dir="build/reports/"):
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
        if cr.partial_compile_error:
            print(paint("  ✘ does not compile; the exercises of these files score 0 (the rest of the chapter was graded "
                        "with each replaced by its stub):", "31"))
            for line in cr.partial_compile_error.splitlines():
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
                    "compile": reports.STATUS_LABEL[tests[0].status]}.get(state, "")
            if state in ("partial", "failing"):
                note = failing_partner(ch, ex, cr.tests)
            print(f"  {mark} {ex['id']:<20} {ex['title']:<44} {earned:>2}/{possible_ex:<2} {paint(note, '2')}")
            if state in ("partial", "failing"):
                stubbed = [t for t in tests if t.status == "not_attempted"]
                where = exercise_location(ch, ex, flavour)
                for t in tests:
                    if t.status in ("passed", "not_attempted"):
                        continue
                    print(f"      {paint('✘', '31')} {t.test} ({t.points} pt{'s' if t.points != 1 else ''}, "
                          f"{reports.STATUS_LABEL[t.status]}): {reports.shorten(t.message, 400)}")
                    print(f"        {paint('hint:', '33')} {t.hint}")
                    print(f"        at {where}")  # file:line, for editors' problem matchers (.vscode/tasks.json)
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
    print(paint(f"Total: {total} / {possible} points", "1") + f"  ({flavour} code; reports in {report_dir})")
