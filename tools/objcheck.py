"""Checks the learner's compiled objects before their test program runs.

The graded checks run in the same process as the learner's code, so that code must not be able to
reach anything that could forge a verdict or escape: files, the environment, other processes,
signals, dynamic loading, raw system calls, the grading harness. Three checks on each object:

- undefined symbols: only an allow-list (the C++ runtime, the standard library without files,
  threads' process-level calls or exits, C string/memory/math functions, printing to the terminal,
  and the workbook's framework without its file I/O);
- defined symbols: no C-linkage definitions (they would replace libc's or the harness's functions),
  nothing in the harness's or GoogleTest's namespaces, no strong definitions inside std::;
- the machine code has no system-call instruction, and the object was compiled only from the
  chapter's files, the framework's headers and the system's headers (no solutions/, no tests/);
- the learner's own lines, preprocessed, hold no inline assembly (.incbin reads any file), no GNU
  attributes (constructor, alias, section, ...), no weak or renaming pragmas, no stdio internals.
A strong definition of a symbol that the workbook's own objects also define (a weak vtable of a
GoogleTest fixture, an inline function of the framework) would silently replace theirs: rejected too.
The workbook's own objects are linked ahead of the learner's archive, so its weak definitions win.
"""
import glob
import hashlib
import json
import os
import re
import shlex
import subprocess

# Demangled undefined symbols the learner's code may use.
ALLOWED_UNDEFINED = [re.compile(p) for p in [
    r"operator (new|delete)(\[\])?\(",
    r"(vtable|typeinfo|typeinfo name|VTT|construction vtable) for ",
    r"__cxa_(throw|rethrow|allocate_exception|free_exception|begin_catch|end_catch|guard_acquire|guard_release|"
    r"guard_abort|pure_virtual|deleted_virtual|bad_cast|bad_typeid|throw_bad_array_new_length|atexit|"
    r"thread_atexit|get_exception_ptr|current_exception_type)$",
    r"(__gxx_personality_v0|_Unwind_Resume|__stack_chk_fail|__dso_handle|_GLOBAL_OFFSET_TABLE_|__tls_get_addr|"
    r"__errno_location|__assert_fail|abort|__pthread_key_create|__gmon_start__|_ITM_\w+)$",
    r"pthread_(mutex_\w+|once|key_create|key_delete|getspecific|setspecific|cond_\w+|self|equal)$",
    # C library: memory, strings, conversions, sorting, formatting into memory, printing to the terminal
    # (stdout and stderr are the only streams graded code can name: fopen and fdopen are not allowed)
    r"(mem(cpy|move|set|cmp|chr)|str(len|nlen|cmp|ncmp|chr|rchr|str|cpy|ncpy|cat|ncat|spn|cspn|pbrk|dup|ndup)|"
    r"strto(l|ul|ll|ull|f|d|ld)|ato(i|l|ll|f)|l?l?abs|qsort|bsearch|s?n?printf|v?s?n?printf|puts|putchar|"
    r"fputs|fputc|putc|fwrite|fprintf|vfprintf|fflush|stdout|stderr|"
    r"sscanf|__isoc99_sscanf|malloc|calloc|realloc|free|aligned_alloc|posix_memalign|rand|srand|"
    r"clock|clock_gettime|time|gettimeofday|sched_yield|isalpha|isdigit|isspace|tolower|toupper|"
    r"__(mem|str)\w*_chk|__v?s?n?printf_chk|__ctype_\w+)$",
    # C math library, float/double/long double and the glibc internal names
    r"(__)?(a?sinh?|a?cosh?|a?tanh?|atan2|exp|exp2|expm1|exp10|log|log2|log10|log1p|logb|pow|sqrt|cbrt|hypot|"
    r"fabs|floor|ceil|round|lround|llround|trunc|fmod|remainder|fmin|fmax|fdim|fma|erfc?|lgamma|tgamma|"
    r"nearbyint|rint|lrint|llrint|frexp|ldexp|scalbn|modf|copysign|nextafter|sincos|ilogb|"
    r"isnan|isinf|finite|fpclassify|signbit)(f|l)?(_finite)?$",
    # C++: the standard library (what is denied below is checked first) and the workbook
    r"(std|__gnu_cxx|__cxxabiv1)::",
    r"wb::",
]]

# Denied even where an allowed pattern matches: files, processes, the environment, exits, harness.
DENIED_UNDEFINED = [re.compile(p) for p in [
    r"std::(filesystem|__fs)::", r"(basic_)?(i|o)?fstream", r"basic_filebuf", r"__basic_file", r"stdio_(sync_)?filebuf",
    r"std::(cin|wcin)\b", r"std::(system|exit|_Exit|quick_exit|getenv)\b",
    r"wb::grading::", r"\bfixtures::", r"\btesting::", r"\bgradients::", r"\btol::", r"\b\w+_test::",
    r"wb::(save_tensors|load_tensors|save_weights|load_weights|write_png|read_idx_\w+|load_fashion_mnist)\(",
]]

# Defined symbols the learner's objects must not provide (anywhere in the name: "vtable for testing::...").
# Replacing the global allocation functions would run learner code inside GoogleTest and the harness.
DENIED_DEFINED = [re.compile(p) for p in [
    r"\bwb::grading::", r"\bfixtures::", r"\btesting::", r"^main$", r"^operator (new|delete)(\[\])?\(",
    # the graded tests' own helpers (tests/harness/gradient_check.hpp, tests/graded/*/common.hpp): inline, so
    # only weak copies in the test objects, which a strong learner definition would replace
    r"\bgradients::", r"\btol::", r"\b\w+_test::",
]]

# Identifiers the learner's own (preprocessed) lines may not contain, and pragmas they may not use.
DENIED_TOKENS = {
    "asm", "__asm", "__asm__", "__attribute", "__attribute__", "__declspec",
    "__builtin_frame_address", "__builtin_return_address", "__builtin_extract_return_addr",
    "_fileno", "environ", "__environ", "__libc_argv", "__libc_argc", "program_invocation_name",
    "program_invocation_short_name",
}
DENIED_TOKEN_PREFIXES = ("_IO_",)
DENIED_SYNTAX = [
    (re.compile(r"\[\[\s*(using\b|gnu\s*::|clang\s*::)"), "a compiler-specific attribute"),
    (re.compile(r"^\s*#\s*pragma\s+(weak|redefine_extname)\b"), "#pragma weak or redefine_extname"),
]
# System headers that only serve to reach past the allow-list.
# (sys/syscall.h is not among them: the standard library's thread support includes it.)
DENIED_HEADERS = re.compile(r"/(elf|link|dlfcn|sys/mman|sys/ptrace|sys/auxv)\.h$")
with open(__file__, "rb") as _self:  # a changed checker re-checks every object
    _CHECKER_VERSION = hashlib.sha1(_self.read()).hexdigest()
GTEST_LIBRARY = next(iter(glob.glob("/usr/lib/*/libgtest.a") + glob.glob("/usr/lib/libgtest.a")), "")

SYSCALL = re.compile(r"\s(syscall|sysenter|int\s+\$0x80)\b")
WEAK_TYPES = set("VvWwu")


MAX_NAME = 2048  # characters of a symbol name, mangled or demangled: the workbook's longest are ~300


class Unreadable(Exception):
    """An object whose symbols cannot be read within bounds (a name that demangles to megabytes)."""


def _run(cmd, timeout=60):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout).stdout
    except subprocess.TimeoutExpired:
        raise Unreadable(f"{os.path.basename(cmd[0])} took longer than {timeout} s on it")


def _demangle(names):
    """{mangled: demangled}. A short mangled name can demangle to hundreds of megabytes (nested
    templates), so c++filt gets a time limit and every name a length limit."""
    if not names:
        return {}
    try:
        proc = subprocess.Popen(["c++filt"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, errors="replace")
        proc.stdin.write("\n".join(names) + "\n")
        proc.stdin.close()
        demangled = []
        for _ in names:
            line = proc.stdout.readline(MAX_NAME + 2)
            if len(line) > MAX_NAME:
                raise Unreadable(f"a symbol name demangles to more than {MAX_NAME} characters")
            demangled.append(line.rstrip("\n"))
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        raise Unreadable("its symbols took too long to demangle")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return dict(zip(names, demangled))


def symbols(obj):
    """[(name, demangled, type)] of an object's global symbols (nm's POSIX format)."""
    rows = []
    for line in _run(["nm", "-P", "-g", obj]).splitlines():
        parts = line.split()
        if len(parts) >= 2 and not parts[0].endswith(":"):
            if len(parts[0]) > MAX_NAME:
                raise Unreadable(f"a symbol name is {len(parts[0])} characters long")
            rows.append((parts[0], parts[1]))
    names = _demangle([n for n, _ in rows])
    return [(n, names.get(n, n), t) for n, t in rows]


def check_undefined(demangled):
    if any(p.search(demangled) for p in DENIED_UNDEFINED):
        return False
    return any(p.match(demangled) for p in ALLOWED_UNDEFINED)


def check_object(obj, allowed_roots, deps, trusted_symbols=frozenset()):
    """Problems of one object, as sentences naming the symbol or file; [] when it is clean.
    deps: the files it was compiled from (None: unknown, which is a problem too)."""
    problems = []
    label = os.path.basename(obj).replace(".o", "")
    try:
        table = symbols(obj)
    except Unreadable as e:
        return [f"{label} cannot be checked: {e}"]
    for name, demangled, kind in table:
        if kind not in ("U", "w", "v") and kind not in WEAK_TYPES and name in trusted_symbols:
            problems.append(f"{label} defines {demangled}, which the workbook's own code defines")
            continue
        if kind in ("U", "w", "v"):
            if not check_undefined(demangled):
                problems.append(f"{label} calls {demangled}")
        elif any(p.search(demangled) for p in DENIED_DEFINED):
            problems.append(f"{label} defines {demangled}, which only the workbook and the grader may define")
        elif not name.startswith(("_Z", "DW.ref.")):  # DW.ref: the unwinder's hidden pointers
            problems.append(f"{label} defines the C function or variable {demangled}: give it C++ linkage "
                            "(drop extern \"C\") or make it static")
        elif re.match(r"(std|__gnu_cxx|__cxxabiv1)::", demangled) and kind not in WEAK_TYPES:
            problems.append(f"{label} defines {demangled} inside the standard library")
    try:
        disassembly = _run(["objdump", "-d", "--no-show-raw-insn", obj])
    except Unreadable as e:
        disassembly = ""
        problems.append(f"{label} cannot be disassembled: {e}")
    if SYSCALL.search(disassembly):
        problems.append(f"{label} contains a system-call instruction")
    if deps is None:  # fail closed: an object whose include list ninja cannot give is not run
        problems.append(f"{label}: the build did not record which files it was compiled from; build again")
    for dep in deps or []:
        path = os.path.realpath(dep)
        if not any(path == r or path.startswith(r.rstrip("/") + "/") for r in allowed_roots) \
                or DENIED_HEADERS.search(path):
            problems.append(f"{label} is compiled from {dep}: exercise files may include only the chapter's "
                            "headers, framework/, layers/ and the system's headers")
    return problems


def scan_source(command, source, own_root):
    """Problems in the learner's own lines of `source`, preprocessed with its compile command (so that a
    macro cannot hide a token): lines that come from files under own_root."""
    args = shlex.split(command["command"])
    cleaned, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a == "-o":
            skip = True
        elif a != "-c":
            cleaned.append(a)
    try:
        proc = subprocess.run(cleaned[:-1] + ["-E", cleaned[-1]], cwd=command["directory"], capture_output=True,
                              text=True, errors="replace", timeout=60)
    except subprocess.TimeoutExpired:
        return [f"{os.path.basename(source)} takes longer than 60 s to preprocess"]
    found, own = set(), False
    own_root = os.path.realpath(own_root).rstrip("/") + "/"
    for line in proc.stdout.splitlines():
        marker = re.match(r'#\s*\d+\s+"([^"]*)"', line)
        if marker:
            own = os.path.realpath(os.path.join(command["directory"], marker.group(1))).startswith(own_root)
            continue
        if not own:
            continue
        for pattern, what in DENIED_SYNTAX:
            if pattern.search(line):
                found.add(what)
        for token in re.findall(r"[A-Za-z_]\w*", line):
            if token in DENIED_TOKENS or token.startswith(DENIED_TOKEN_PREFIXES):
                found.add(token)
    return [f"{os.path.basename(source)} uses {what}, which graded code may not" for what in sorted(found)]


def defined_symbols(paths, build_dir):
    """Mangled names defined (strongly or weakly) in these objects and archives; cached by their mtimes."""
    paths = [p for p in paths if p and os.path.exists(p)]
    key = "|".join(f"{p}:{os.stat(p).st_mtime_ns}" for p in sorted(paths))
    cache = os.path.join(build_dir, ".objcheck-trusted.json")
    try:
        with open(cache) as f:
            saved = json.load(f)
        if saved["key"] == key:
            return frozenset(saved["symbols"])
    except (OSError, ValueError, KeyError):
        pass
    names = set()
    for p in paths:
        for line in _run(["nm", "-P", "-g", "--defined-only", p]).splitlines():
            parts = line.split()
            if len(parts) >= 2 and not parts[0].endswith(":"):
                names.add(parts[0])
    with open(cache, "w") as f:
        json.dump({"key": key, "symbols": sorted(names)}, f)
    return frozenset(names)


def objects_of(build_dir, library):
    """The object files ninja archives into `library` (a path relative to build_dir)."""
    out = _run(["ninja", "-C", build_dir, "-t", "query", library])
    return [os.path.join(build_dir, l.strip()) for l in out.splitlines()
            if l.startswith("    ") and l.strip().endswith(".o") and not l.strip().startswith("||")]


def deps_of(build_dir, obj):
    out = _run(["ninja", "-C", build_dir, "-t", "deps", os.path.relpath(obj, build_dir)])
    lines = out.splitlines()
    if not lines or "(VALID)" not in lines[0]:
        return None
    # ninja records what the compiler wrote: a relative path is relative to the build folder, where the compiler
    # ran (ccache's base_dir makes the workbook's own objects' paths relative, so that build folders share them)
    return [os.path.normpath(os.path.join(build_dir, l.strip())) for l in lines[1:] if l.strip()]


def check_library(build_dir, library, allowed_roots, trusted_symbols=frozenset(), own_root=None):
    """Problems of every object of a learner library; [] when all are clean. Each object's verdict is
    cached by its mtime (and the trusted symbols'), so a grade after one edit checks one object."""
    cache_path = os.path.join(build_dir, ".objcheck-cache.json")
    try:
        with open(cache_path) as f:
            cache = json.load(f)
    except (OSError, ValueError):
        cache = {}
    commands = None
    trusted_key = hashlib.sha1("\n".join(sorted(trusted_symbols)).encode()).hexdigest()
    problems = []
    for obj in objects_of(build_dir, library):
        st = os.stat(obj)
        key = f"{st.st_mtime_ns}:{st.st_size}:{trusted_key}:{own_root}:{_CHECKER_VERSION}"
        if cache.get(obj, {}).get("key") != key:
            found = check_object(obj, allowed_roots, deps_of(build_dir, obj), trusted_symbols)
            if own_root:
                if commands is None:
                    with open(os.path.join(build_dir, "compile_commands.json")) as f:
                        commands = {os.path.normpath(os.path.join(c["directory"], c["output"] if "output" in c else
                                    re.search(r"-o (\S+)", c["command"]).group(1))): c for c in json.load(f)}
                command = commands.get(os.path.normpath(obj))
                if command:
                    found += scan_source(command, command["file"], own_root)
                else:
                    found.append(f"{os.path.basename(obj)}: its compile command is unknown, so it cannot be checked")
            cache[obj] = {"key": key, "problems": found}
        problems += cache[obj]["problems"]
    with open(cache_path, "w") as f:
        json.dump(cache, f)
    return problems
