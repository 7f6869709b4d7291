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
  chapter's files, the framework's headers and the system's headers (no solutions/, no tests/).
"""
import os
import re
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
    r"wb::grading::", r"\bfixtures::", r"\btesting::",
    r"wb::(save_tensors|load_tensors|save_weights|load_weights|write_png|read_idx_\w+|load_fashion_mnist)\(",
]]

# Defined symbols the learner's objects must not provide.
DENIED_DEFINED = [re.compile(p) for p in [
    r"^wb::grading::", r"^fixtures::", r"^testing::", r"^main$",
]]

SYSCALL = re.compile(r"\s(syscall|sysenter|int\s+\$0x80)\b")
WEAK_TYPES = set("VvWwu")


def _run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace").stdout


def _demangle(names):
    if not names:
        return {}
    out = subprocess.run(["c++filt"], input="\n".join(names) + "\n", capture_output=True, text=True).stdout
    return dict(zip(names, out.splitlines()))


def symbols(obj):
    """[(name, demangled, type)] of an object's global symbols (nm's POSIX format)."""
    rows = []
    for line in _run(["nm", "-P", "-g", obj]).splitlines():
        parts = line.split()
        if len(parts) >= 2 and not parts[0].endswith(":"):
            rows.append((parts[0], parts[1]))
    names = _demangle([n for n, _ in rows])
    return [(n, names.get(n, n), t) for n, t in rows]


def check_undefined(demangled):
    if any(p.search(demangled) for p in DENIED_UNDEFINED):
        return False
    return any(p.match(demangled) for p in ALLOWED_UNDEFINED)


def check_object(obj, allowed_roots, deps):
    """Problems of one object, as sentences naming the symbol or file; [] when it is clean.
    deps: the files it was compiled from (None: unknown, not checked)."""
    problems = []
    label = os.path.basename(obj).replace(".o", "")
    for name, demangled, kind in symbols(obj):
        if kind in ("U", "w", "v"):
            if not check_undefined(demangled):
                problems.append(f"{label} calls {demangled}")
        elif any(p.search(demangled) for p in DENIED_DEFINED):
            problems.append(f"{label} defines {demangled}, which belongs to the grading harness")
        elif not name.startswith(("_Z", "DW.ref.")):  # DW.ref: the unwinder's hidden pointers
            problems.append(f"{label} defines the C function or variable {demangled}: give it C++ linkage "
                            "(drop extern \"C\") or make it static")
        elif re.match(r"(std|__gnu_cxx|__cxxabiv1)::", demangled) and kind not in WEAK_TYPES:
            problems.append(f"{label} defines {demangled} inside the standard library")
    if SYSCALL.search(_run(["objdump", "-d", "--no-show-raw-insn", obj])):
        problems.append(f"{label} contains a system-call instruction")
    for dep in deps or []:
        path = os.path.realpath(dep)
        if not any(path == r or path.startswith(r.rstrip("/") + "/") for r in allowed_roots):
            problems.append(f"{label} is compiled from {dep}: exercise files may include only the chapter's "
                            "headers, framework/ and the system's headers")
    return problems


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
    return [l.strip() for l in lines[1:] if l.strip()]


def check_library(build_dir, library, allowed_roots):
    """Problems of every object of a learner library; [] when all are clean."""
    problems = []
    for obj in objects_of(build_dir, library):
        problems += check_object(obj, allowed_roots, deps_of(build_dir, obj))
    return problems
