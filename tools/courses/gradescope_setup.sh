#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image. Written for Gradescope's
# Ubuntu 22.04 base image (it also runs on Ubuntu 24.04 and on Debian 12, where ./wb test checks it).
# Package names that differ from the workbook's Debian 12 list (tools/packages.txt): Ubuntu 22.04's g++ is
# 11, so g++-12 is installed and used; its CMake is 3.22, older than the 3.25 the presets need, so a newer
# one comes from PyPI. Fashion-MNIST, PyTorch, Doxygen and Chromium are not needed to grade.
set -euo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORKBOOK="$SOURCE/workbook"
CHAPTERS="@CHAPTERS@"

. /etc/os-release
compiler=g++
if [ "${ID:-}" = ubuntu ] && dpkg --compare-versions "${VERSION_ID:-0}" lt 24.04; then compiler=g++-12; fi
packages="$compiler cmake ninja-build ccache python3 bubblewrap binutils libeigen3-dev libgtest-dev
          zlib1g-dev nlohmann-json3-dev libcli11-dev libstb-dev"
missing=()
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -q "${missing[@]}"
fi
cmake_version="$(cmake --version | sed -n 's/^cmake version \([0-9.]*\).*/\1/p')"
if dpkg --compare-versions "$cmake_version" lt 3.25; then
  apt-get install -y -q python3-pip
  python3 -m pip install --quiet 'cmake>=3.25,<4'
  hash -r
fi
echo "$compiler" > "$SOURCE/compiler"

# Everything but the student's files is built now, once (the reference too), so that each submission compiles
# only its own.
mkdir -p "$SOURCE/empty-submission"
CXX="$compiler" python3 "$WORKBOOK/tools/wb.py" grade $CHAPTERS --course --submission "$SOURCE/empty-submission" \
    --reports "$SOURCE/setup-reports"
# The reference (built just now: it computes the expected values of each run's unseen inputs) is the
# teacher's: root only from here on, so that no test's own user id can read it.
chmod -R go-rwx "$WORKBOOK/solutions"
echo "autograder ready: every test of chapters ${CHAPTERS:-(all)} graded once against the stubs"
