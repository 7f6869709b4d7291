"""./wb autograder --out autograder.zip [CHAPTER...]: a Gradescope autograder for the workbook.

The zip holds, at its root, setup.sh and run_autograder (from tools/courses/, with the chapters filled in)
and workbook/: the committed tree without mutants, attacks and benchmarks, but with the hidden tests and
solutions/, which students never see there: setup.sh builds the reference once, which computes the expected
values of each submission's unseen inputs, and then makes solutions/ and the reference binaries root-only.
Keep the zip as private as the solutions. Gradescope unpacks it into /autograder/source, runs setup.sh once
to build its image (packages, and everything but the student's files built once), and run_autograder for
each submission. ./wb test unpacks it into a folder of its own and runs both scripts against sample
submissions (tools/selftest.py, check_autograder)."""
import json
import os
import shutil
import stat
import tempfile
import zipfile

import handout
import registry
from project import say


def write_autograder(out, chapters):
    """Writes the zip; returns the number of hidden tests in it."""
    names = " ".join(ch.name for ch in chapters) if chapters else ""
    with tempfile.TemporaryDirectory(prefix="wb-autograder-") as stage:
        workbook = os.path.join(stage, "workbook")
        commit, hidden = handout.student_copy(workbook, keep_hidden=True, keep_solutions=True)
        with open(os.path.join(workbook, "AUTOGRADER.json"), "w") as f:
            json.dump({"autograder": "gradescope", "from_commit": commit, "chapters": names or "all",
                       "hidden_tests": hidden}, f, indent=1)
            f.write("\n")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for script, name in (("gradescope_setup.sh", "setup.sh"), ("gradescope_run_autograder", "run_autograder")):
                with open(os.path.join(workbook, "tools", "courses", script)) as f:  # as committed
                    text = f.read().replace("@CHAPTERS@", names)
                info = zipfile.ZipInfo(name)
                info.external_attr = (stat.S_IFREG | 0o755) << 16
                z.writestr(info, text)
            for folder, dirs, files in os.walk(workbook):
                dirs.sort()
                for name in sorted(files):
                    path = os.path.join(folder, name)
                    rel = os.path.relpath(path, stage)
                    info = zipfile.ZipInfo.from_file(path, rel)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    with open(path, "rb") as f:
                        z.writestr(info, f.read())
    return commit, hidden


def unpack_autograder(zip_path, dest):
    """What Gradescope does with the zip: its contents in dest/source, with their modes."""
    source = os.path.join(dest, "source")
    with zipfile.ZipFile(zip_path) as z:
        for info in z.infolist():
            path = z.extract(info, source)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(path, mode)
    shutil.copyfile(os.path.join(source, "run_autograder"), os.path.join(dest, "run_autograder"))
    os.chmod(os.path.join(dest, "run_autograder"), 0o755)
    return source


def cmd_autograder(args):
    handout.require_workbook("./wb autograder")
    chapters = registry.select_chapters(args.chapters) if args.chapters else []
    out = os.path.abspath(args.out)
    commit, hidden = write_autograder(out, chapters)
    size = os.path.getsize(out) / 1e6
    say(f"wrote {out} ({size:.1f} MB, from {commit[:12]}): setup.sh, run_autograder and the workbook with its "
        f"solutions (keep the zip private), for {'chapters ' + ' '.join(c.number for c in chapters) if chapters else 'every chapter'}, "
        f"{len(hidden)} hidden test{'s' if len(hidden) != 1 else ''} included")
    say("upload it as the assignment's autograder on Gradescope (base image: Ubuntu 22.04); docs/teaching.md "
        "says how, and what students submit")
    return 0
