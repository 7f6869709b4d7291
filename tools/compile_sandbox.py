#!/usr/bin/python3
"""The compiler launcher of the learner's exercise files (CMake's CXX_COMPILER_LAUNCHER of every
<chapter>_learner library): `compile_sandbox.py CHAPTERS_DIR compiler args...`.

When the grader builds untrusted code it sets WB_COMPILE_SANDBOX=bwrap (where bubblewrap works): the
compiler then sees a read-only view of /usr (the compiler and the system's headers) and of the workbook's
learner-facing folders (chapters/, framework/, layers/, and the folder the exercise files come from), a
writable folder for the object file only, an empty /tmp, no /etc, no /proc, no tests/ (hidden tests least
of all), no reports, no network. Every compile, contained or not, runs under limits: 2 GiB of memory,
120 s of CPU, 64 MiB per file written, at most 50 errors with template backtraces cut to 10. Without WB_COMPILE_SANDBOX (a learner building their own code with
./wb run) the compiler runs as it is, under the same limits.
"""
import os
import resource
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEMORY = 2 << 30
CPU_SECONDS = int(os.environ.get("WB_COMPILE_CPU_SECONDS", "120"))  # set by tools/build.py (the attacks: less)
FILE_SIZE = 64 << 20


def limit():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE, FILE_SIZE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def bwrap_command(chapters_dir, command):
    """bubblewrap around `command`, run from the current folder (the build tree), which it sees empty but
    for the folder of the object file it writes."""
    out = os.path.abspath(command[command.index("-o") + 1]) if "-o" in command else os.getcwd()
    out_dir = os.path.dirname(out)
    view = ["--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--symlink", "usr/bin", "/bin", "--dev-bind", "/dev/null", "/dev/null", "--tmpfs", "/tmp",
            "--unshare-all", "--die-with-parent", "--new-session"]
    for folder in ("chapters", "framework", "layers"):
        view += ["--ro-bind", os.path.join(ROOT, folder), os.path.join(ROOT, folder)]
    chapters_dir = os.path.abspath(chapters_dir)
    if not chapters_dir.startswith(os.path.join(ROOT, "chapters") + os.sep) and chapters_dir != os.path.join(ROOT, "chapters"):
        view += ["--ro-bind", chapters_dir, chapters_dir]
    view += ["--bind", out_dir, out_dir, "--chdir", os.getcwd()]
    return [shutil.which("bwrap"), *view, "--", *command]


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: compile_sandbox.py CHAPTERS_DIR compiler args...")
    chapters_dir, command = argv[1], argv[2:]
    # Never ccache for untrusted code; the global launcher ("cmake -E env CCACHE_...=... ccache") may come first.
    launcher = [k for k, word in enumerate(command[:8]) if os.path.basename(word) == "ccache"]
    if launcher:
        command = command[launcher[0] + 1:]
    # The grader reads the compiler's messages into memory: at most 50 errors, template backtraces cut to 10.
    command += ["-fmax-errors=50", "-ftemplate-backtrace-limit=10"]
    # /usr/bin/c++ leads through /etc/alternatives, which the sandbox does not show: start the compiler itself
    command[0] = os.path.realpath(command[0] if os.path.isabs(command[0]) else shutil.which(command[0]))
    if os.environ.get("WB_COMPILE_SANDBOX") == "bwrap" and shutil.which("bwrap"):
        command = bwrap_command(chapters_dir, command)
    limit()
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv)
