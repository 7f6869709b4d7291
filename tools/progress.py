"""The learner's progress: one small JSON file at the workbook's root, .wb-progress.json (git-ignored; it
survives rm -rf build, which only costs a rebuild). ./wb grade records each exercise's
state there; ./wb hint records how many hint steps were shown; ./wb mock its running interview and
history. Deleting the file loses only the hint steps and the mock history (and the recorded grades,
which the next ./wb grade writes again)."""
import json
import os
import time

from project import BUILD, ROOT

PATH = os.environ.get("WB_PROGRESS") or os.path.join(ROOT, ".wb-progress.json")  # WB_PROGRESS: the self-test's copy
OLD_PATH = os.path.join(BUILD, "progress.json")  # where it lived before: moved on first use


def _move_old_file(path):
    if path == os.path.join(ROOT, ".wb-progress.json") and not os.path.exists(path) and os.path.isfile(OLD_PATH):
        try:
            os.replace(OLD_PATH, path)
        except OSError:
            pass


def empty():
    return {"version": 1, "exercises": {}, "hints": {}, "mock": {"current": None, "history": []},
            "drill": {"session": 0, "kinds": {}, "exams": []}}


def load(path=PATH):
    """The progress, or an empty one if the file is missing or unreadable (it is never worth an error)."""
    _move_old_file(path)
    try:
        with open(path) as f:
            state = json.load(f)
        if isinstance(state, dict) and state.get("version") == 1:
            for key, value in empty().items():
                state.setdefault(key, value)
            return state
    except (OSError, ValueError):
        pass
    return empty()


def save(state, path=PATH):
    """Written to a temporary file and renamed, so an interrupted write never leaves half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = path + ".partial"
    with open(partial, "w") as f:
        json.dump(state, f, indent=1, sort_keys=True)
    os.replace(partial, path)


def key(chapter, exercise_id):
    return f"{chapter.name}/{exercise_id}"


def record_grades(results, exercise_state, path=PATH):
    """Keeps, per exercise of every graded chapter, its state (done, partial, failing, todo, blocked,
    compile), points and the first failing check, with the time of grading."""
    state = load(path)
    now = time.time()
    for cr in results:
        for ex in cr.chapter.exercises:
            tests = [t for t in cr.tests if t.exercise == ex["id"]]
            if not tests:
                continue
            label, _ = exercise_state(cr.chapter, ex, tests)
            failing = next((t for t in tests if t.status not in ("passed", "not_attempted")), None)
            state["exercises"][key(cr.chapter, ex["id"])] = {
                "state": label, "points": sum(t.score for t in tests), "max": sum(t.points for t in tests),
                "graded_at": now, "first_failure": f"{failing.test}: {failing.message[:300]}" if failing else ""}
    save(state, path)
