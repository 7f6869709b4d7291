#!/usr/bin/env bash
# under_load_check.sh [COMMAND]: runs COMMAND (default: ./wb grade && ./wb test) on a fresh clone of HEAD, with an
# empty compiler cache of its own, while a full build of a second clone (ccache off) runs beside it on the same
# cores, again and again until COMMAND ends. No limit that judges a learner's code may count wall time, so both
# commands must pass as they do on an idle machine. Maintainers' check, run by hand; it prints one line.
set -u
root=$(git rev-parse --show-toplevel)
cmd=${1:-./wb grade && ./wb test}
work=$(mktemp -d /var/tmp/under-load.XXXX)
log=/var/tmp/under-load.log
git clone -q "$root" "$work/clone" && git clone -q "$root" "$work/load" || exit 2
# The load: its own process group, so that one kill stops the loop, ninja and every compiler it started.
setsid bash -c '
  cd "$1/load" && cmake --preset release -B build >/dev/null 2>&1 || exit 1
  while true; do
    ninja -C build -t clean >/dev/null 2>&1
    CCACHE_DISABLE=1 ninja -C build >/dev/null 2>&1 && echo build >> "$1/load-builds"
  done' load "$work" &
load=$!
start=$(date +%s)
(cd "$work/clone" && CCACHE_DIR="$work/ccache" bash -c "$cmd") > "$log" 2>&1; rc=$?
kill -- -"$load" 2>/dev/null; sleep 1
builds=$(wc -l < "$work/load-builds" 2>/dev/null || echo 0)
echo "under load: '$cmd' exit $rc in $(( $(date +%s) - start )) s beside $builds finished full builds of a second clone" \
     "(load average $(cut -d' ' -f1-3 /proc/loadavg); log: $log); last line: $(tail -1 "$log" | cut -c1-160)"
rm -rf "$work"
exit $rc
