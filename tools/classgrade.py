"""./wb grade-class SUBMISSIONS --out gradebook.csv: a whole class, each student graded in isolation.

SUBMISSIONS holds one entry per student, named after the student: a folder, a .zip or a .tar.gz (.tgz) with
the handout's layout, chapters/NN_topic/*.cpp (all of it may sit inside one top-level folder). Each student:
1. is unpacked into a build tree of their own (build-class/<student>/). An archive is refused, with one line
   saying why, when a path in it is absolute or leaves its folder, when it holds a link, a device or a pipe,
   a file outside chapters/, a file over 1 MiB, or cannot be read. A folder gives only its chapters/ files,
   and is refused when it holds a link.
2. is graded by a process of its own, `./wb grade --course` in that tree (the per-test timeouts, the object
   check, the sandbox and the unseen inputs of course mode, a new secret per student), several students at once over the cores. A student whose build,
   crash or endless loop outlasts --student-timeout is stopped and marked; no student can change another's
   grade, since nothing is shared but the read-only workbook.
Writes the CSV (a row per student: status, total, one column per exercise, what went wrong), and beside it
a folder of the same name with each student's results.json, junit.xml and grading log, and the class summary
(summary.md, summary.json, histogram.png)."""
import collections
import concurrent.futures
import csv
import json
import os
import re
import shutil
import statistics
import stat
import subprocess
import sys
import tarfile
import time
import zipfile

import build
import grader
import registry
import sandbox
from project import ROOT, paint, say

TREES = os.path.join(ROOT, "build-class")
MAX_FILE = grader.MAX_EXERCISE_FILE   # bytes per file, as course mode
MAX_MEMBERS = 4000                     # entries per archive
ARCHIVES = (".tar.gz", ".tgz", ".zip")
RESERVED = {"summary.md", "summary.json", "histogram.png"}  # files of the class folder, beside the students'
FAILING = ("failed", "crashed", "timed_out", "held")  # statuses of a check the student's code ran and did not pass


def neutral(text, limit=300):
    """A cell or summary line that cannot be read as anything else: no control characters or line breaks
    (they would forge a row or a line), at most `limit` characters, and no leading = + - @ (a spreadsheet
    would run the cell as a formula)."""
    text = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+", " ", str(text)).strip()
    if len(text) > limit:
        text = text[:limit - 3] + "..."
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


class Refused(Exception):
    """A submission that is not graded, with the reason for the teacher."""


def student_name(entry):
    for suffix in ARCHIVES:
        if entry.lower().endswith(suffix):
            return entry[: -len(suffix)]
    return entry


def inside_chapters(paths):
    """The archive's file paths (lists of parts) relative to the folder that holds chapters/: one top-level
    folder around everything is dropped. Any other file is a reason to refuse."""
    tops = {p[0] for p in paths}
    if len(tops) == 1 and tops != {"chapters"} and all(len(p) > 1 for p in paths):
        paths = [p[1:] for p in paths]
    for p in paths:
        if p[0] != "chapters" or len(p) < 2:
            raise Refused(f"{'/'.join(p)} is outside chapters/ (a submission holds chapters/NN_topic/*.cpp only)")
    return paths


def safe_parts(name):
    """A member name as path parts; refused when absolute or leaving the archive's folder."""
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise Refused(f"{name!r} is an absolute path")
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    if ".." in parts:
        raise Refused(f"{name!r} leaves the archive's folder")
    if not parts:
        raise Refused(f"{name!r} is not a file name")
    return parts


def write_files(files, dest):
    """files: [(parts, bytes)] below dest, every part already checked."""
    for parts, data in files:
        path = os.path.join(dest, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


def read_capped(stream, name):
    data = stream.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise Refused(f"{name} is larger than {MAX_FILE >> 20} MiB")
    return data


def unpack_zip(path, dest):
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if len(infos) > MAX_MEMBERS:
                raise Refused(f"{len(infos)} entries (at most {MAX_MEMBERS})")
            files = []
            for info in infos:
                parts = safe_parts(info.filename)
                kind = stat.S_IFMT(info.external_attr >> 16)
                if kind == stat.S_IFLNK:
                    raise Refused(f"{info.filename} is a link")
                if info.is_dir():
                    continue
                if kind not in (0, stat.S_IFREG):
                    raise Refused(f"{info.filename} is not a regular file")
                if info.file_size > MAX_FILE:
                    raise Refused(f"{info.filename} is larger than {MAX_FILE >> 20} MiB")
                files.append((parts, info))
            placed = inside_chapters([p for p, _ in files])
            contents = []
            for parts, (_, info) in zip(placed, files):
                with z.open(info) as f:
                    contents.append((parts, read_capped(f, info.filename)))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, OSError, EOFError, ValueError) as e:
        raise Refused(f"not a readable .zip ({e})")
    write_files(contents, dest)


def unpack_tar(path, dest):
    try:
        with tarfile.open(path, "r:gz") as t:
            files = []
            for count, member in enumerate(t, 1):
                if count > MAX_MEMBERS:
                    raise Refused(f"more than {MAX_MEMBERS} entries")
                parts = safe_parts(member.name)
                if member.issym() or member.islnk():
                    raise Refused(f"{member.name} is a link")
                if member.isdir():
                    continue
                if not member.isfile():
                    raise Refused(f"{member.name} is a device, a pipe or another special file")
                if member.size > MAX_FILE:
                    raise Refused(f"{member.name} is larger than {MAX_FILE >> 20} MiB")
                files.append((parts, member))
            placed = inside_chapters([p for p, _ in files])
            contents = [(parts, read_capped(t.extractfile(member), member.name))
                        for parts, (_, member) in zip(placed, files)]
    except (tarfile.TarError, OSError, EOFError, ValueError) as e:
        raise Refused(f"not a readable .tar.gz ({e})")
    write_files(contents, dest)


def unpack_folder(path, dest):
    """Only chapters/ (or <one folder>/chapters/) is taken; a link anywhere below it refuses the submission."""
    if os.path.islink(path):
        raise Refused("the submission is a link")
    root = os.path.join(path, "chapters")
    if not os.path.lexists(root):
        inner = [e for e in os.listdir(path) if os.path.isdir(os.path.join(path, e))]
        if len(inner) == 1 and os.path.lexists(os.path.join(path, inner[0], "chapters")):
            if os.path.islink(os.path.join(path, inner[0])):
                raise Refused(f"{inner[0]} is a link")
            root = os.path.join(path, inner[0], "chapters")
        else:
            raise Refused("no chapters/ folder in it (a submission holds chapters/NN_topic/*.cpp)")
    if os.path.islink(root):
        raise Refused("chapters/ is a link")
    files = []
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:  # os.walk lists a link to a folder among the folders, and does not follow it
            if os.path.islink(os.path.join(folder, name)):
                raise Refused(f"{os.path.relpath(os.path.join(folder, name), path)} is a link")
        for name in names:
            full = os.path.join(folder, name)
            if not os.path.isfile(full):
                raise Refused(f"{os.path.relpath(full, path)} is not a regular file")
            if os.path.getsize(full) > MAX_FILE:
                raise Refused(f"{os.path.relpath(full, path)} is larger than {MAX_FILE >> 20} MiB")
            files.append((["chapters", *os.path.relpath(full, root).split(os.sep)], full))
    write_files([(parts, open(full, "rb").read()) for parts, full in files], dest)


def unpack(entry_path, dest):
    lower = entry_path.lower()
    if os.path.isdir(entry_path) or os.path.islink(entry_path):
        unpack_folder(entry_path, dest)
    elif lower.endswith(".zip"):
        unpack_zip(entry_path, dest)
    elif lower.endswith((".tar.gz", ".tgz")):
        unpack_tar(entry_path, dest)
    else:
        raise Refused("not a folder, a .zip or a .tar.gz")


def find_submissions(folder):
    """{student: path}, and {student: reason} for those refused before unpacking."""
    found, refused = collections.defaultdict(list), {}
    for entry in sorted(os.listdir(folder)):
        if entry.startswith("."):
            continue
        found[student_name(entry)].append(entry)
    submissions = {}
    for name, entries in found.items():
        if len(entries) > 1:
            refused[name] = f"{len(entries)} submissions under one name ({', '.join(entries)}); graded none"
        elif name in RESERVED:
            refused[name] = f"{name} is the name of one of the class's own reports; rename the submission"
        elif not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}", name):
            refused[name] = "the name has characters other than letters, digits and . _ @ + -; rename it"
        else:
            submissions[name] = os.path.join(folder, entries[0])
    return submissions, refused


def exercise_columns(chapters):
    """[(chapter, exercise, points)] in the chapters' order, every graded test (hidden ones too) counted."""
    columns = collections.OrderedDict()
    for ch in chapters:
        for e in ch.manifest():
            columns[(ch.name, e.exercise)] = columns.get((ch.name, e.exercise), 0) + e.points
    return [(c, e, p) for (c, e), p in columns.items()]


def grade_student(name, entry_path, out_dir, args, chapters, jobs_each):
    """One student's row: unpack, grade in a process of its own, read its results.json. Never raises: a
    failure while handling one student is that student's row, and the class goes on."""
    start = time.monotonic()
    try:
        return _grade_student(name, entry_path, out_dir, args, chapters, jobs_each, start)
    except Exception as e:  # noqa: BLE001 -- one student's trouble must never stop the class
        row = {"student": name, "status": "error", "tests": [], "seconds": 0.0,
               "note": f"the grader failed on this submission ({type(e).__name__}: {e})"}
        try:
            return finish(row, start, os.path.join(out_dir, name), os.path.join(TREES, name), args)
        except Exception:  # noqa: BLE001 -- even its report folder could not be written
            row["note"] = neutral(row["note"])
            return row


def _grade_student(name, entry_path, out_dir, args, chapters, jobs_each, start):
    tree = os.path.join(TREES, name)
    report_dir = os.path.join(out_dir, name)
    shutil.rmtree(tree, ignore_errors=True)
    shutil.rmtree(report_dir, ignore_errors=True)
    os.makedirs(report_dir)
    row = {"student": name, "status": "graded", "tests": [], "note": "", "seconds": 0.0}
    try:
        unpack(entry_path, os.path.join(tree, "files"))
    except Refused as e:
        row.update(status="refused", note=str(e))
        return finish(row, start, report_dir, tree, args)
    except Exception as e:  # noqa: BLE001 -- a name too long for the file system, a full disk, ...
        row.update(status="refused", note=f"could not be unpacked ({type(e).__name__}: {e})")
        return finish(row, start, report_dir, tree, args)
    command = ["/usr/bin/python3", os.path.join(ROOT, "tools", "wb.py"), "grade", *[c.name for c in chapters],
               "--course", "--submission", os.path.join(tree, "files"), "--reports", report_dir,
               "--build-dir", tree, "--timeout", str(args.timeout)]
    with open(os.path.join(report_dir, "grade.log"), "wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                env=dict(os.environ, WB_JOBS=str(jobs_each), NO_COLOR="1"))
        try:
            proc.wait(timeout=args.student_timeout)
        except subprocess.TimeoutExpired:
            build.kill_session(proc.pid)
            proc.wait()
            row.update(status="error", note=f"grading took longer than {args.student_timeout:g} s and was stopped")
            return finish(row, start, report_dir, tree, args)
    try:
        with open(os.path.join(report_dir, "results.json")) as f:
            row["tests"] = json.load(f)["tests"]
    except (OSError, ValueError, KeyError) as e:
        with open(os.path.join(report_dir, "grade.log"), errors="replace") as f:
            tail = " | ".join(f.read().strip().splitlines()[-3:])
        row.update(status="error", note=f"the grader wrote no report ({e}); its log ends: {tail}")
    return finish(row, start, report_dir, tree, args)


def finish(row, start, report_dir, tree, args):
    row["seconds"] = time.monotonic() - start
    if not args.keep_builds:
        shutil.rmtree(tree, ignore_errors=True)
    if row["status"] == "graded":
        row["note"] = what_went_wrong(row["tests"])
    row["note"] = neutral(row["note"])
    if row["status"] != "graded":
        os.makedirs(report_dir, exist_ok=True)
        with open(os.path.join(report_dir, "refused.txt" if row["status"] == "refused" else "error.txt"), "w") as f:
            f.write(row["note"] + "\n")
    return row


def what_went_wrong(tests):
    """One short line: compile errors (with the compiler's first line), rejections, crashes and timeouts."""
    by_status = collections.defaultdict(lambda: collections.OrderedDict())
    for t in tests:
        status, chapter, exercise = t["tags"][:3]
        if status in ("compile_error", "rejected"):
            # "does not compile: does not compile: build-class/x/submission/01_y/z.cpp:3:1: error: ..."
            detail = re.sub(r"^((does not compile|rejected|not run): )+", "", t["output"].splitlines()[0])
            detail = re.sub(r"\S*/submission/", "", detail)
            by_status[status].setdefault(chapter, f"{chapter} ({detail})")
        elif status in ("crashed", "timed_out"):
            by_status[status].setdefault(exercise, exercise)
    words = {"compile_error": "does not compile", "rejected": "rejected by the object check", "crashed": "crashed",
             "timed_out": "timed out"}
    return "; ".join(f"{words[s]}: {', '.join(by_status[s].values())}" for s in words if by_status[s])


def summarize(rows, columns, wall, jobs, out_dir):
    graded = [r for r in rows if r["status"] == "graded"]
    maximum = sum(p for _, _, p in columns)
    totals = [r["total"] for r in graded]
    exercises = []
    for chapter, exercise, points in columns:
        earned = [r["points"][(chapter, exercise)] for r in graded]
        failing = collections.Counter()
        for r in graded:
            for t in r["tests"]:
                if t["tags"][1:3] == [chapter, exercise] and t["tags"][0] in FAILING:
                    failing[t["name"].split(" / ", 1)[1]] += 1
        check, count = failing.most_common(1)[0] if failing else ("", 0)
        exercises.append({"chapter": chapter, "exercise": exercise, "points": points,
                          "mean": statistics.fmean(earned) if earned else 0.0,
                          "full_marks": sum(e == points for e in earned),
                          "most_common_failing_check": check, "students_failing_it": count})
    summary = {"students": len(rows), "graded": len(graded), "refused": sum(r["status"] == "refused" for r in rows),
               "errors": sum(r["status"] == "error" for r in rows), "max_points": maximum,
               "mean": statistics.fmean(totals) if totals else 0.0,
               "median": statistics.median(totals) if totals else 0.0,
               "totals": totals, "wall_seconds": round(wall, 1), "parallel_students": jobs, "exercises": exercises}
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    lines = [f"# Class summary", "",
             f"{summary['students']} students: {summary['graded']} graded, {summary['refused']} refused, "
             f"{summary['errors']} not graded by an error; wall time {wall:.0f} s ({jobs} at a time).", "",
             f"Total out of {maximum}: mean {summary['mean']:.1f}, median {summary['median']:g}"
             + (f", lowest {min(totals)}, highest {max(totals)}" if totals else "") + ".", "",
             "| chapter | exercise | points | mean | full marks | most common failing check (students) |",
             "|---|---|---:|---:|---:|---|"]
    for e in exercises:
        lines.append(f"| {e['chapter']} | {e['exercise']} | {e['points']} | {e['mean']:.1f} | {e['full_marks']} | "
                     + (f"{e['most_common_failing_check']} ({e['students_failing_it']})" if e["students_failing_it"] else "")
                     + " |")
    problems = [r for r in rows if r["status"] != "graded" or r["note"]]
    if problems:
        lines += ["", "## Not graded, or with builds, crashes or timeouts", ""]
        lines += [f"- {neutral(r['student'], 100)}: {r['status']}: {neutral(r['note'])}" for r in problems]
    with open(os.path.join(out_dir, "summary.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "charts.py"), "class", out_dir],
                   stdout=subprocess.DEVNULL)
    return summary


def write_gradebook(path, rows, columns):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "status", "total", "max", *[f"{c}/{e} ({p})" for c, e, p in columns], "note"])
        maximum = sum(p for _, _, p in columns)
        for r in sorted(rows, key=lambda r: r["student"]):
            cells = [r["points"][(c, e)] if r["status"] == "graded" else "" for c, e, _ in columns]
            w.writerow([neutral(r["student"], 100), r["status"], r["total"], maximum, *cells, neutral(r["note"])])


def cmd_grade_class(args):
    submissions_dir = os.path.abspath(args.submissions)
    if not os.path.isdir(submissions_dir):
        raise SystemExit(f"wb: {args.submissions} is not a folder (it holds one folder, .zip or .tar.gz per student)")
    if sandbox.level() == "none":
        raise SystemExit("wb: class grading contains every test (bubblewrap, or as root a user id of its own), and "
                         "neither works here: run it as root, or apt-get install bubblewrap")
    chapters = registry.select_chapters(args.chapters)
    columns = exercise_columns(chapters)
    out_csv = os.path.abspath(args.out)
    out_dir = os.path.splitext(out_csv)[0]
    os.makedirs(out_dir, exist_ok=True)
    submissions, refused = find_submissions(submissions_dir)
    cores = os.cpu_count() or 2
    jobs = max(1, min(args.jobs or cores, len(submissions) or 1))
    jobs_each = max(1, cores // jobs)
    say(f"grading {len(submissions)} submissions from {args.submissions} ({len(chapters)} chapter(s), "
        f"{jobs} students at a time, each in its own build tree under build-class/) ...")
    # The workbook's own objects once, before the students (each tree then takes them from ccache).
    build.build([t for ch in chapters for t in build.trusted_parts(build.BUILD, f"graded_{ch.name}_learner", "learner")]
                + ([f"graded_{ch.name}_reference" for ch in chapters] if grader.reference_available() else []))
    start = time.monotonic()
    rows = [{"student": neutral(name, 100), "status": "refused", "note": neutral(why), "tests": [], "seconds": 0.0}
            for name, why in refused.items()]
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(grade_student, name, path, out_dir, args, chapters, jobs_each)
                   for name, path in submissions.items()]
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):  # this thread only
            row = future.result()
            rows.append(row)
            score = sum(t["score"] for t in row["tests"])
            shown = f"{score:g}" if row["status"] == "graded" else paint(row["status"], "33")
            say(f"[{done}/{len(futures)}] {row['student']}: {shown}  ({row['seconds']:.0f} s)"
                + (f"  {row['note']}" if row["note"] else ""))
    wall = time.monotonic() - start
    for r in rows:
        r["points"] = collections.defaultdict(int)
        for t in r["tests"]:
            r["points"][tuple(t["tags"][1:3])] += t["score"]
        r["total"] = sum(r["points"].values()) if r["status"] == "graded" else 0
    write_gradebook(out_csv, rows, columns)
    summary = summarize(rows, columns, wall, jobs, out_dir)
    for name, why in refused.items():
        say(f"{neutral(name, 100)}: refused: {neutral(why)}")
    def shown(path):
        return os.path.relpath(path) if path.startswith(os.getcwd() + os.sep) else path
    say(f"{summary['graded']} graded, {summary['refused']} refused, {summary['errors']} errors in {wall:.0f} s; "
        f"mean {summary['mean']:.1f} / {summary['max_points']}")
    say(f"wrote {shown(out_csv)}, and in {shown(out_dir)}/: each student's results.json, "
        "summary.md, histogram.png")
    return 0
