"""./wb doctor: everything the workbook needs, checked, with the exact command that fixes what is missing.
It installs nothing (./wb's other commands do that, as root, for the packages they need)."""
import os
import re
import shutil
import subprocess

from project import BUILD, ROOT, paint

PACKAGES = os.path.join(ROOT, "tools", "packages.txt")
FASHION_MNIST = "/usr/share/datasets/fashion-mnist"
FASHION_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
GROUP_USE = {"build": "grading and the programs", "test": "./wb test and ./wb docs", "charts": "the programs' charts",
             "browser": "./wb test's look at the docs in Chromium",
             "torch": "./wb fixtures and ./wb bench (PyTorch)"}
MIN_FREE_GB = 3.0


def package_groups():
    groups = {}
    with open(PACKAGES) as f:
        for line in f:
            m = re.match(r"^(\w+):\s*(.*)$", line.strip())
            if m:
                groups[m.group(1)] = m.group(2).split()
    return groups


def installed(package):
    out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return "ok installed" in out.stdout


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None


def check_compiler():
    out = run(["g++", "-dumpfullversion"])
    if out is None or out.returncode != 0:
        return False, "g++ is missing", "apt-get install -y g++"
    version = out.stdout.strip()
    major = int(version.split(".")[0])
    if major < 12:
        return False, f"g++ {version}: the workbook needs C++20 as g++ 12 (Debian 12) has it", "apt-get install -y g++-12"
    return True, f"g++ {version}", ""


def check_cpu():
    """What -march=native enables here (the build's default, WB_NATIVE), and what the kernels use of it."""
    out = run(["bash", "-c", "echo | g++ -march=native -dM -E - 2>/dev/null"])
    if out is None or out.returncode != 0:
        return False, "could not ask g++ what -march=native enables", "apt-get install -y g++"
    macros = set(re.findall(r"#define (__\w+__)", out.stdout))
    features = [name for macro, name in (("__AVX2__", "AVX2"), ("__FMA__", "FMA"), ("__AVX512F__", "AVX-512"))
                if macro in macros]
    if "AVX2" not in features:
        return True, ("no AVX2: the kernels fall back to scalar code (correct, several times slower than the "
                      "benchmarks report)"), ""
    return True, "-march=native gives " + ", ".join(features), ""


def check_dataset():
    missing = [f for f in FASHION_FILES
               if not any(os.path.isfile(os.path.join(FASHION_MNIST, f + ext)) for ext in ("", ".gz"))]
    if missing:
        return False, f"Fashion-MNIST is missing in {FASHION_MNIST} ({', '.join(missing)})", \
            "apt-get install -y dataset-fashion-mnist"
    return True, f"Fashion-MNIST in {FASHION_MNIST}", ""


def check_torch():
    out = run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"])
    if out is None or out.returncode != 0:
        return False, "PyTorch does not import with /usr/bin/python3 (only ./wb fixtures and ./wb bench need it)", \
            "apt-get install -y python3-torch python3-torchvision libopenblas0-pthread"
    return True, f"PyTorch {out.stdout.strip()} (Debian's python3-torch)", ""


def check_disk():
    where = BUILD if os.path.isdir(BUILD) else ROOT
    free = shutil.disk_usage(where).free / 1e9
    if free < MIN_FREE_GB:
        return False, f"{free:.1f} GB free at {where}; a full build and test needs about {MIN_FREE_GB:.0f} GB", \
            f"free space on {where} (build trees of other checkouts? rm -rf build-course/)"
    return True, f"{free:.0f} GB free at {where}", ""


def check_sandbox():
    import sandbox
    lvl = sandbox.level()
    if lvl == "none":
        return False, "tests can only be contained by rlimits (no bubblewrap, not root)", "apt-get install -y bubblewrap"
    return True, "graded tests run contained by " + sandbox.describe(lvl), ""


def cmd_doctor(_args=None):
    problems = 0
    print(paint("\nDebian packages (tools/packages.txt)", "1"))
    for group, packages in package_groups().items():
        missing = [p for p in packages if not installed(p)]
        use = GROUP_USE.get(group, group)
        if missing:
            problems += group == "build"
            print(f"  {paint('✘', '31')} {group:<7} ({use}): missing {' '.join(missing)}")
            print(f"      fix: sudo apt-get install -y {' '.join(missing)}")
        else:
            print(f"  {paint('✔', '32')} {group:<7} ({use}): all {len(packages)} installed")
    print(paint("\nThis machine", "1"))
    for name, check, required in (("compiler", check_compiler, True), ("CPU", check_cpu, False),
                                  ("dataset", check_dataset, True), ("PyTorch", check_torch, False),
                                  ("disk", check_disk, True), ("sandbox", check_sandbox, False)):
        ok, what, fix = check()
        problems += required and not ok
        mark = paint("✔", "32") if ok else paint("✘", "31") if required else paint("!", "33")
        print(f"  {mark} {name:<9} {what}")
        if fix and not ok:
            print(f"      fix: {fix if fix.startswith(('free', 'rm')) else 'sudo ' + fix}")
    print()
    print(paint("everything ./wb grade needs is here" if problems == 0 else
                f"{problems} thing{'s' if problems != 1 else ''} ./wb grade needs {'are' if problems != 1 else 'is'} missing",
                "32" if problems == 0 else "31"))
    return 0 if problems == 0 else 1
