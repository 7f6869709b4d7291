"""Runs one untrusted test process, contained.

Inside bubblewrap (Debian's bubblewrap) the process sees only /usr read-only, its own binary and the
golden fixtures read-only, a private /tmp, /proc and /dev; it has its own PID, network (none), IPC and
UTS namespaces, runs as uid 65534, and every process it starts dies with it (the PID namespace ends
when its first process does). Without bubblewrap (course mode refuses to run then) the process still
gets the rlimits below and its process group is killed afterwards.

Either way: limits on address space, CPU time, file size and open files; stdout and stderr go to a
file capped by RLIMIT_FSIZE, never into the grader's memory; the verdict comes back on an inherited
file descriptor (WB_RESULT_FD), not through a path the process could name or reopen.
"""
import os
import resource
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass

OUTPUT_LIMIT = 16 << 20       # bytes of stdout + stderr (and of any file it writes) before SIGXFSZ
MEMORY_LIMIT = 4 << 30        # address space
OPEN_FILES = 256
NOBODY = 65534
_usable = None


@dataclass
class Outcome:
    returncode: int      # negative: killed by that signal
    timed_out: bool
    result: bytes        # what the process wrote on WB_RESULT_FD
    output_tail: bytes   # the last bytes of its stdout + stderr
    output_size: int


def bwrap_usable():
    """True when bubblewrap is installed and can create namespaces here (checked once)."""
    global _usable
    if _usable is None:
        exe = shutil.which("bwrap")
        _usable = bool(exe) and subprocess.run(
            [exe, *_bwrap_base(), "--", "/usr/bin/true"], capture_output=True, timeout=30).returncode == 0
    return _usable


def _bwrap_base():
    return ["--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
            "--unshare-all", "--die-with-parent", "--new-session", "--uid", str(NOBODY), "--gid", str(NOBODY),
            "--chdir", "/tmp"]


def _limits(cpu_seconds):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))
        resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def run(argv, timeout, read_only=(), env=None, sandbox=True):
    """Runs argv[0] (an absolute path) with argv[1:]; read_only: extra paths visible inside, read-only.
    env: the whole environment (nothing else is passed). Returns an Outcome; never raises for what the
    process does."""
    env = dict(env or {})
    env.setdefault("PATH", "/usr/bin:/bin")
    with tempfile.TemporaryDirectory(prefix="wb_run_") as tmp:
        result_path, output_path = os.path.join(tmp, "result"), os.path.join(tmp, "output")
        result_fd = os.open(result_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        output_fd = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            cmd = list(argv)
            if sandbox:
                binds = []
                for path in [argv[0], *read_only]:
                    binds += ["--ro-bind", path, path]
                cmd = [shutil.which("bwrap"), *_bwrap_base(), *binds, "--", *argv]
            env["WB_RESULT_FD"] = str(result_fd)  # the only descriptor the child keeps beyond 0-2
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=output_fd, stderr=output_fd, env=env,
                                    pass_fds=(result_fd,), close_fds=True, preexec_fn=_limits(int(timeout) + 2),
                                    start_new_session=True)
        finally:
            os.close(result_fd)
            os.close(output_fd)
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _kill_group(proc.pid)
            proc.wait()
        with open(result_path, "rb") as f:
            result = f.read(1 << 16)
        size = os.path.getsize(output_path)
        with open(output_path, "rb") as f:
            f.seek(max(0, size - 2048))
            tail = f.read()
        return Outcome(proc.returncode, timed_out, result, tail, size)


def _kill_group(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
