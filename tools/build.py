"""Configuring and building: the release preset in build/, and the other build folders (course mode,
the committed stubs, the attacks), with only the targets a command needs."""
import contextlib
import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

from project import BUILD, ROOT, paint, say
import reports


# A learner's file is judged by the CPU time its compile takes (tools/compile_sandbox.py stops a compiler at
# LEARNER_COMPILE_CPU_SECONDS), never by the wall clock, which another build on the same cores stretches. The
# wall-clock limit on the whole build of a chapter's exercise files is only a backstop, far above any real build.
LEARNER_COMPILE_CPU_SECONDS = 120
LEARNER_BUILD_TIMEOUT = 1800.0


_held = {}  # build folder -> (open lock file, depth): this process holds its lock


@contextlib.contextmanager
def build_lock(build_dir=BUILD):
    """One build at a time per build folder: ./wb grade and ./wb watch in one tree would otherwise run two
    ninjas over the same objects (ar dies, every exercise "does not compile"). A second command waits, saying
    who builds. Re-entrant within a process; released when the process ends, however it ends (flock)."""
    key = os.path.realpath(build_dir)
    if key in _held:
        handle, depth = _held[key]
        _held[key] = (handle, depth + 1)
        try:
            yield
        finally:
            _held[key] = (handle, _held[key][1] - 1)
        return
    os.makedirs(build_dir, exist_ok=True)
    handle = open(os.path.join(build_dir, ".wb-build.lock"), "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another wb command"
        say(f"{holder} is building in {os.path.relpath(build_dir, ROOT)}/; waiting for it to finish ...")
        fcntl.flock(handle, fcntl.LOCK_EX)
    handle.seek(0)
    handle.truncate()
    handle.write(f"./wb {' '.join(sys.argv[1:])} (pid {os.getpid()})".strip())
    handle.flush()
    _held[key] = (handle, 1)
    try:
        yield
    finally:  # every nested use has given its level back by now
        del _held[key]
        handle.close()  # releases the lock


DPKG_STATUS = "/var/lib/dpkg/status"  # rewritten by every package install or removal


def packages_changed_since(path):
    """Whether a Debian package was installed or removed after `path` was written (libtorch-dev installed by hand
    after the first configure: cmake's cached NOTFOUND must be looked up again)."""
    try:
        return os.path.getmtime(DPKG_STATUS) > os.path.getmtime(path)
    except OSError:
        return False


def configure(build_dir=BUILD, options=None):
    """Configures build_dir unless it is configured already, with the same options, and no Debian package
    was installed since (by ./wb, which writes build/.packages-installed, or by hand: dpkg's status file is
    newer): a tool that was missing at the last configure, cached as NOTFOUND, is found again."""
    ninja_file = os.path.join(build_dir, "build.ninja")
    stamp = os.path.join(BUILD, ".packages-installed")
    options_file = os.path.join(build_dir, ".wb-configure-options")
    configured = os.path.join(build_dir, ".wb-configured")  # written after each configure (cmake may keep build.ninja)
    if not os.path.isfile(configured):
        configured = ninja_file
    wanted = "\n".join(options) if options is not None else None
    if (os.path.isfile(ninja_file) and not (os.path.isfile(stamp) and os.path.getmtime(stamp) > os.path.getmtime(ninja_file))
            and not packages_changed_since(configured)
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
    with open(os.path.join(build_dir, ".wb-configured"), "w") as f:
        f.write(time.strftime("%Y-%m-%d %H:%M:%S\n"))


def build(targets, quiet=True, build_dir=BUILD, timeout=None, untrusted=False):
    """Builds the targets; returns (ok, output). timeout: seconds, after which the whole build is killed.
    untrusted: the targets compile learner code, which ccache must neither serve nor store."""
    with build_lock(build_dir):
        return _build(targets, quiet, build_dir, timeout, untrusted)


def _build(targets, quiet, build_dir, timeout, untrusted):
    configure(build_dir)
    cmd = ["cmake", "--build", build_dir, "--target", *targets]
    env = None
    if untrusted:  # ccache must neither serve nor store it; the compiler runs contained (tools/compile_sandbox.py)
        import sandbox
        env = dict(os.environ, CCACHE_DISABLE="1", WB_COMPILE_SANDBOX="bwrap" if "bwrap" in sandbox.available() else "limits",
                   WB_COMPILE_CPU_SECONDS=str(LEARNER_COMPILE_CPU_SECONDS))
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="replace", start_new_session=True, env=env)
    lines = []
    reader = threading.Thread(target=_read_build_log, args=(proc, lines, sys.stderr.isatty()), daemon=True)
    reader.start()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_session(proc.pid)
        proc.wait()
        reader.join()
        return False, (f"build: error: building your files took longer than {timeout:g} s (wall clock) and was "
                       "stopped (a file that includes itself, or a template that never ends?)")
    reader.join()
    output = "".join(lines)
    if not quiet and proc.returncode != 0:
        print(output)
    return proc.returncode == 0, output


def _read_build_log(proc, lines, live):
    """Keeps ninja's log; on a terminal, a long build shows one live line: building [120/222] ~1 min left (the
    estimate: the time per step so far, times the steps left)."""
    start, shown = time.monotonic(), False
    for line in proc.stdout:
        lines.append(line)
        step = re.match(r"\[(\d+)/(\d+)\]", line)
        elapsed = time.monotonic() - start
        if live and step and elapsed > 3 and int(step.group(2)) >= 10:
            done, total = int(step.group(1)), int(step.group(2))
            left = elapsed / max(done, 1) * (total - done)
            estimate = f"~{left / 60:.0f} min left" if left >= 90 else f"~{max(left, 1):.0f} s left"
            sys.stderr.write(f"\r{paint('wb: ', '36')}building [{done}/{total}] {estimate}   ")
            sys.stderr.flush()
            shown = True
    if shown:
        sys.stderr.write("\r" + " " * 60 + "\r")
        sys.stderr.flush()


def session_members(sid):
    """The processes of session `sid`. ninja starts each command in a process group of its own, so
    killing the build's group would leave the compiler running (and writing its object later)."""
    members = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()  # after "pid (comm)": state, ppid, pgrp, session
            if int(fields[3]) == sid:
                members.append(int(pid))
        except (OSError, IndexError, ValueError):
            pass
    return members


def kill_session(sid):
    """Kills every process of the session that `sid` leads, until none is left."""
    for _ in range(50):
        members = session_members(sid)
        if not members:
            return
        for pid in members:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.02)


def graded_binary(chapter, flavour, build_dir=BUILD):
    return os.path.join(build_dir, "tests", f"graded_{chapter.name}_{flavour}")


def public_source(path):
    """Whether a file named in a compiler message may be quoted in a report: the learner's own files and the
    workbook's learner-facing headers and the system's, never anything else the compiler was made to read."""
    path = path.replace(ROOT + "/", "")
    return (path.startswith(("framework/", "layers/", "/usr/include/", "/usr/lib/gcc/"))
            or "/chapters/" in "/" + path or "/submission/" in path or path.startswith(STUBS + "/"))


def first_compiler_error(output):
    """The first 'file:line:col: error:' of a build log, with the source line and caret after it. An error
    located in any other file than public_source's is named by its position only, never quoted: a message must
    not carry the contents of a file that `#include "/etc/shadow"` made the compiler read."""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if re.search(r"signal terminated program cc1plus", line):  # the CPU limit of tools/compile_sandbox.py
            failed = next((re.search(r"([\w.-]+\.cpp)\.o\b", l) for l in reversed(lines[:i]) if l.startswith("FAILED:")), None)
            name = failed.group(1) if failed else "a file"
            return (f"compiling {name} was stopped at its limit of {LEARNER_COMPILE_CPU_SECONDS} s of CPU time "
                    "(a file that includes itself, or a template that never ends?)")
        if re.search(r":\d+:\d+: (fatal )?error:|^build: error:", line) or re.search(r"undefined reference to|multiple definition of", line):
            located = re.match(r"(?:In file included from )?([^:\s][^:]*):\d+:\d+: ", line)
            if located and not public_source(located.group(1)):
                return ("an error inside " + reports.clean_text(located.group(1).replace(ROOT + "/", ""), 200) +
                        ", a file an exercise may not include (only its chapter's headers, framework/, layers/ "
                        "and the system's)")
            text = line.replace(ROOT + "/", "")
            context = [l for l in lines[i + 1:i + 3] if l.strip() and "error:" not in l and not l.startswith("[")]
            return reports.clean_text("\n".join([text] + context))
    tail = [l for l in lines if l.strip()][-5:]
    return reports.clean_text("\n".join(tail)) if tail else "the build failed without a compiler message"


def chapters_dir_of(build_dir):
    """WB_CHAPTERS_DIR of a configured build: where its learner libraries' exercise files come from."""
    with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
        for line in f:
            if line.startswith("WB_CHAPTERS_DIR:"):
                return line.split("=", 1)[1].strip()
    return os.path.join(ROOT, "chapters")


def needs_work(build_dir, targets):
    """Whether building the targets would run anything (ninja's dry run)."""
    out = subprocess.run(["ninja", "-C", build_dir, "-n", *targets], capture_output=True, text=True)
    return out.returncode != 0 or "ninja: no work to do." not in out.stdout


def link_inputs(build_dir, target):
    """The objects and libraries of this build that ninja links into tests/<target>."""
    out = subprocess.run(["ninja", "-C", build_dir, "-t", "query", f"tests/{target}"], capture_output=True, text=True)
    parts = {l.strip().lstrip("| ") for l in out.stdout.splitlines() if l.startswith("    ")}
    return sorted(p for p in parts if (p.endswith(".a") or p.endswith(".o")) and not p.startswith("/"))


def trusted_parts(build_dir, target, flavour):
    """What `target` links that is built from no file of `flavour` (framework, harness, tests): built
    before the learner's files, without their time limit."""
    return [p for p in link_inputs(build_dir, target) if not re.search(rf"_{flavour}(\.a|\.dir/)", p)]


def linked_libraries(build_dir, target, flavour):
    """The chapter libraries of one flavour that a graded binary links (its own and its DEPENDS)."""
    out = subprocess.run(["ninja", "-C", build_dir, "-t", "query", f"tests/{target}"], capture_output=True, text=True)
    paths = {l.strip().lstrip("| ") for l in out.stdout.splitlines()}  # "| lib.a": an implicit input
    return sorted(p for p in paths if re.fullmatch(rf"tests/lib\w+_{flavour}\.a", p))


def committed_chapters_build(build_dir, stage):
    """Configures build_dir so that its learner libraries compile chapters/ as committed (git HEAD),
    extracted afresh into stage/chapters; returns that folder."""
    shutil.rmtree(os.path.join(stage, "chapters"), ignore_errors=True)
    os.makedirs(stage, exist_ok=True)
    archive = subprocess.run(["git", "archive", "HEAD", "chapters"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", stage], input=archive.stdout, check=True)
    chapters = os.path.join(stage, "chapters")
    configure(build_dir, [f"-DWB_CHAPTERS_DIR={chapters}"])
    return chapters


STUBS = os.path.join(ROOT, ".stubs")  # a handout's pristine exercise files (tools/handout.py)


def pristine_stubs_build():
    """A build whose learner libraries compile the stubs: the committed ones, or a handout's .stubs/."""
    build_dir = os.path.join(ROOT, "build-stubs")
    if os.path.isdir(STUBS):
        configure(build_dir, [f"-DWB_CHAPTERS_DIR={STUBS}"])
    else:
        committed_chapters_build(build_dir, os.path.join(build_dir, "pristine"))
    return build_dir


def chapters_modified():
    """Whether an exercise file differs from its stub (git's view, or a handout's .stubs/)."""
    if os.path.isdir(STUBS):
        for chapter in os.listdir(STUBS):
            for name in os.listdir(os.path.join(STUBS, chapter)):
                mine = os.path.join(ROOT, "chapters", chapter, name)
                if not os.path.isfile(mine) or open(mine, "rb").read() != open(os.path.join(STUBS, chapter, name), "rb").read():
                    return True
        return False
    proc = subprocess.run(["git", "status", "--porcelain", "--", "chapters"], cwd=ROOT, capture_output=True, text=True)
    return proc.returncode == 0 and proc.stdout.strip() != ""


def build_docs():
    """Builds the documentation site; warnings are errors. Returns 0 when it built cleanly."""
    ok, output = build(["docs"])
    warnings = [l for l in output.splitlines() if "warning:" in l or "error:" in l]
    for line in warnings[:30]:
        print(line)
    if not ok or warnings:
        say(paint(f"the docs build failed with {len(warnings)} warning(s)", "31"))
        return 1
    say(f"docs built: {os.path.join(BUILD, 'docs', 'html', 'index.html')}")
    return 0
