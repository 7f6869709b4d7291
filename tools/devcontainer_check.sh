#!/usr/bin/env bash
# devcontainer_check.sh [BASE_ROOTFS] [COMMAND]: builds .devcontainer/Dockerfile with podman from a local Debian 12
# root file system (default: the one ../shared/tools/fresh-debian.sh makes) and runs COMMAND (default ./wb grade)
# on a fresh clone of HEAD in the image's file system. Maintainers' check, run by hand (as root): where podman may
# not start containers (no permission to set resource limits), chroot into the image's files stands in for it.
set -euo pipefail
base=${1:-/var/tmp/fresh-bookworm}
cmd=${2:-./wb grade}
root=$(git rev-parse --show-toplevel)
command -v podman >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman >/dev/null
tar -C "$base" -c . | podman import - localhost/debian12-local:latest >/dev/null
podman build --isolation=chroot --build-arg BASE=localhost/debian12-local:latest -t dl-workbook \
  -f "$root/.devcontainer/Dockerfile" "$root/tools" >/var/tmp/devcontainer-build.log
run=$(mktemp -d /var/tmp/devcontainer-run.XXXX)
cp -a "$(podman image mount localhost/dl-workbook:latest)/." "$run/"
podman image unmount localhost/dl-workbook:latest >/dev/null
git clone -q "$root" "$run/workbook"
mount -t proc proc "$run/proc"; mount --bind /dev "$run/dev"
start=$(date +%s); rc=0
chroot "$run" bash -c "cd /workbook && $cmd" >/var/tmp/devcontainer-run.log 2>&1 || rc=$?
umount "$run/proc" "$run/dev"; rm -rf "$run"
echo "dev container: '$cmd' exit $rc in $(( $(date +%s) - start )) s (log: /var/tmp/devcontainer-run.log)"
exit $rc
