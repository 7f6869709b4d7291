"""Configuring and building: the release preset in build/, and the other build folders (course mode,
the committed stubs, the attacks), with only the targets a command needs."""
import os
import re
import shutil
import signal
import subprocess
import time

from project import BUILD, ROOT, paint, say
import reports


LEARNER_BUILD_TIMEOUT = 180.0  # seconds to compile and link a chapter's exercise files


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
    env = None
    if untrusted:  # ccache must neither serve nor store it; the compiler runs contained (tools/compile_sandbox.py)
        import sandbox
        env = dict(os.environ, CCACHE_DISABLE="1", WB_COMPILE_SANDBOX="bwrap" if "bwrap" in sandbox.available() else "limits")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="replace", start_new_session=True, env=env)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_session(proc.pid)
        proc.communicate()
        return False, (f"build: error: compiling your files took longer than {timeout:g} s and was stopped "
                       "(a file that includes itself, or a template that never ends?)")
    if not quiet and proc.returncode != 0:
        print(output)
    return proc.returncode == 0, output


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
