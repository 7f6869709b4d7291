"""Runs untrusted test processes, contained. Three levels, the strongest this machine allows:

- "bwrap" (Debian's bubblewrap): the process sees only /usr, its own binary and the golden fixtures,
  all read-only, a private /tmp of 64 MiB, /proc and /dev; it has its own PID, network (none), IPC and
  UTS namespaces and runs as uid 65534; every process it starts dies with it (the PID namespace ends
  when its first process does). Started by root, bubblewrap itself runs under the slot's user id
  below (where user namespaces allow), so RLIMIT_NPROC bounds the test's processes there too.
- "uid" (root, where namespaces cannot be made: a chroot, a container without CAP_SYS_ADMIN): the
  process runs under a user id of its own that owns nothing, from a world-readable copy of the binary
  and the fixtures; it cannot write the tree or the reports, RLIMIT_NPROC bounds its processes, and
  after each test every process of that user id is killed.
- "none" (no root, no bubblewrap): rlimits, and the process group is killed afterwards.

Every level: limits on address space, CPU time, file size and open files; stdout and stderr go to a
file capped by RLIMIT_FSIZE, never into the grader's memory; the verdict comes back on an inherited
file descriptor (WB_RESULT_FD), not through a path the process could name or reopen.
"""
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass

OUTPUT_LIMIT = 16 << 20       # bytes of stdout + stderr (and of any file it writes) before SIGXFSZ
MEMORY_LIMIT = 4 << 30        # address space
TMP_SIZE = 64 << 20           # the private /tmp under bubblewrap
OPEN_FILES = 256
PROCESSES = 64                # threads included, per test ("uid" level)
NOBODY = 65534
# "uid" level: a user id per concurrent test, owned by nothing on the machine, different per grader process.
UID_BASE = 200000 + (os.getpid() % 10000) * 16
_level = None
_bwrap_as_slot_uid = False
_slots = threading.local()
_slot_counter = iter(range(1 << 30))


@dataclass
class Outcome:
    returncode: int      # negative: killed by that signal
    timed_out: bool
    result: bytes        # what the process wrote on WB_RESULT_FD
    output_tail: bytes   # the last bytes of its stdout + stderr
    output_size: int


def available():
    """The levels that work here, strongest first (checked once)."""
    global _level, _bwrap_as_slot_uid
    if _level is None:
        exe = shutil.which("bwrap")
        _level = []

        def bwrap_runs(uid):
            return subprocess.run([exe, *_bwrap_base(), "--", "/usr/bin/true"], capture_output=True, timeout=30,
                                  preexec_fn=_child_setup(5, uid)).returncode == 0

        if exe:
            # As root, bubblewrap runs under a slot's own user id where user namespaces allow it, so that
            # RLIMIT_NPROC counts the test's processes (it never limits root).
            _bwrap_as_slot_uid = os.geteuid() == 0 and bwrap_runs(UID_BASE + 15)
            if _bwrap_as_slot_uid or bwrap_runs(None):
                _level.append("bwrap")
        if os.geteuid() == 0:
            _level.append("uid")
        _level.append("none")
    return _level


def level():
    """The strongest level that works here, or WB_SANDBOX's choice among those that do."""
    wanted = os.environ.get("WB_SANDBOX")
    if wanted:
        if wanted not in available():
            raise SystemExit(f"wb: WB_SANDBOX={wanted} does not work here; these do: {', '.join(available())}")
        return wanted
    return available()[0]


def describe(lvl):
    return {"bwrap": "bubblewrap sandbox", "uid": "a user id of their own (no namespaces here)",
            "none": "rlimits only (no bubblewrap, not root)"}[lvl]


def _bwrap_base():
    return ["--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev", "--size", str(TMP_SIZE),
            "--tmpfs", "/tmp", "--unshare-all", "--die-with-parent", "--new-session",
            "--uid", str(NOBODY), "--gid", str(NOBODY), "--chdir", "/tmp"]


def _slot_uid():
    if not hasattr(_slots, "uid"):
        _slots.uid = UID_BASE + next(_slot_counter) % 16
    return _slots.uid


def _child_setup(cpu_seconds, uid):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))
        resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if uid is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (PROCESSES, PROCESSES))
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
    return apply


def _kill_all_of(uid):
    """Kills every process of `uid`: kill(-1) sent from a process running as that uid."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


class Runner:
    """Runs one binary's tests at a level; `with Runner(binary, fixtures) as r: r.run(args, timeout)`."""

    def __init__(self, binary, fixtures, lvl=None):
        available()  # settles how bubblewrap is started
        self.level = lvl or level()
        self.binary, self.fixtures, self.stage = binary, fixtures, None

    def _runs_as_slot_uid(self):
        return self.level == "uid" or (self.level == "bwrap" and _bwrap_as_slot_uid)

    def __enter__(self):
        if self._runs_as_slot_uid():  # a copy the test's own user id can read, whatever the tree's modes
            self.stage = tempfile.mkdtemp(prefix="wb_stage_")
            os.chmod(self.stage, 0o755)
            staged = os.path.join(self.stage, os.path.basename(self.binary))
            shutil.copy(self.binary, staged)
            os.chmod(staged, 0o755)
            fixtures = os.path.join(self.stage, "fixtures")
            shutil.copytree(self.fixtures, fixtures)
            for folder, dirs, files in os.walk(fixtures):
                os.chmod(folder, 0o755)
                for name in files:
                    os.chmod(os.path.join(folder, name), 0o644)
            self.binary, self.fixtures = staged, fixtures
        return self

    def __exit__(self, *exc):
        if self.stage:
            shutil.rmtree(self.stage, ignore_errors=True)

    def run(self, args, timeout, env, result_limit=1 << 16):
        """Runs the binary with args; env: the whole environment. Returns an Outcome (with at most
        result_limit bytes of what it wrote on WB_RESULT_FD); never raises for what the process does."""
        env = dict(env, PATH="/usr/bin:/bin", WB_FIXTURE_ROOT=self.fixtures)
        argv = [self.binary, *args]
        uid = _slot_uid() if self._runs_as_slot_uid() else None
        if self.level == "bwrap":
            argv = [shutil.which("bwrap"), *_bwrap_base(), "--ro-bind", self.binary, self.binary,
                    "--ro-bind", self.fixtures, self.fixtures, "--", *argv]
        with tempfile.TemporaryDirectory(prefix="wb_run_") as tmp:
            result_path, output_path = os.path.join(tmp, "result"), os.path.join(tmp, "output")
            result_fd = os.open(result_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            output_fd = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                env["WB_RESULT_FD"] = str(result_fd)  # the only descriptor the child keeps beyond 0-2
                proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=output_fd, stderr=output_fd, env=env,
                                        pass_fds=(result_fd,), close_fds=True, start_new_session=True,
                                        preexec_fn=_child_setup(int(timeout) + 2, uid), cwd="/")
            finally:
                os.close(result_fd)
                os.close(output_fd)
            timed_out = False
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                if uid is not None:
                    _kill_all_of(uid)
                proc.wait()
            with open(result_path, "rb") as f:
                result = f.read(result_limit)
            size = os.path.getsize(output_path)
            with open(output_path, "rb") as f:
                f.seek(max(0, size - 2048))
                tail = f.read()
            return Outcome(proc.returncode, timed_out, result, tail, size)
